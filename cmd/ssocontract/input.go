package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// stdinPath is the PATH that means standard input.
const stdinPath = "-"

// stdinSource names standard input in reports.
const stdinSource = "<stdin>"

// forEachStdin calls fn with every pair of the one capture read from r:
// HAR when it starts with "{", a cassette otherwise.
func forEachStdin(r io.Reader, fn func(*contract.Pair) error) error {
	data, err := readStdin(r)
	if err != nil {
		return err
	}
	pairs, err := loadData(data, stdinSource)
	if err != nil {
		return err
	}
	for i := range pairs {
		if err := fn(&pairs[i]); err != nil {
			return err
		}
	}
	return nil
}

// readStdin reads one capture from r, bounded by the loaders' file limit.
func readStdin(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, capture.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", stdinSource, err)
	}
	if len(data) > capture.MaxFileBytes {
		return nil, fmt.Errorf("%s: more than the %d-byte limit", stdinSource, capture.MaxFileBytes)
	}
	return data, nil
}

// isHARData says whether a capture read from standard input is a HAR file:
// JSON whose first character (after white space and a byte order mark) is
// "{". Anything else is read as a cassette.
func isHARData(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// loadData loads the pairs of a capture held in memory, choosing the loader
// by content.
func loadData(data []byte, source string) ([]contract.Pair, error) {
	if isHARData(data) {
		return capture.LoadHAR(bytes.NewReader(data), source)
	}
	return capture.LoadCassette(bytes.NewReader(data), source)
}
