package main

import (
	"fmt"
	"io"
)

// runCoverage is a placeholder until the command lands; it fails loudly.
func runCoverage(_ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ssocontract coverage: not implemented yet")
	return 2
}
