package main

import (
	"fmt"
	"io"
)

// runValidate is a placeholder until the command lands; it fails loudly.
func runValidate(_ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ssocontract validate: not implemented yet")
	return 2
}
