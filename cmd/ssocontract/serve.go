package main

import (
	"fmt"
	"io"
)

// runServe is a placeholder until the command lands; it fails loudly.
func runServe(_ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ssocontract serve: not implemented yet")
	return 2
}
