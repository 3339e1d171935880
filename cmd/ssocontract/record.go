package main

import (
	"fmt"
	"io"
)

// runRecord is a placeholder until the command lands; it fails loudly.
func runRecord(_ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ssocontract record: not implemented yet")
	return 2
}
