package main

import (
	"fmt"
	"io"
)

// runDiff is a placeholder until the command lands; it fails loudly.
func runDiff(_ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ssocontract diff: not implemented yet")
	return 2
}
