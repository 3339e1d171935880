package main

import (
	"io"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// stdinPath is the PATH that means standard input.
const stdinPath = "-"

// stdinSource names standard input in reports.
const stdinSource = "<stdin>"

// forEachStdin calls fn with every pair of the one capture read from r
// (HAR when it starts with "{", a cassette otherwise), streamed as it is
// read (capture.ForEachReader), never held whole.
func forEachStdin(r io.Reader, fn func(*contract.Pair) error) error {
	return capture.ForEachReader(r, stdinSource, fn)
}
