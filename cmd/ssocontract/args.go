package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseInterleaved parses flags wherever they appear among the positional
// arguments (`validate x.har --strict` is strict), as the flag package alone
// stops at the first positional argument. "--" ends the flags: everything
// after it is positional, even when it starts with "-". A lone "-" is
// positional (standard input).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		left := fs.Args()
		consumed := rest[:len(rest)-len(left)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(positional, left...), nil
		}
		if len(left) == 0 {
			return positional, nil
		}
		positional = append(positional, left[0])
		rest = left[1:]
	}
}

// parseArgs parses a subcommand's flags, before or after its positional
// arguments, and returns the positional ones. done says the command ends
// here, with code: 0 after -h, 2 after a bad flag (the flag package has
// printed why), or 2 when needPaths and no PATH was given.
func parseArgs(fs *flag.FlagSet, args []string, stderr io.Writer, needPaths bool) (positional []string, code int, done bool) {
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, true
		}
		return nil, exitUsage, true
	}
	if needPaths && len(positional) == 0 {
		fmt.Fprintf(stderr, "%s: no PATH given\n", fs.Name())
		fs.Usage()
		return nil, exitUsage, true
	}
	if needPaths {
		stdin := 0
		for _, p := range positional {
			if p == stdinPath {
				stdin++
			}
		}
		if stdin > 1 {
			fmt.Fprintf(stderr, "%s: %q (standard input) given %d times; it can be read once\n", fs.Name(), stdinPath, stdin)
			return nil, exitUsage, true
		}
	}
	return positional, exitOK, false
}

// flagUsage prints a subcommand's usage lines, its flags and its exit codes.
func flagUsage(fs *flag.FlagSet, w io.Writer, exitHelp string, lines ...string) func() {
	return func() {
		fmt.Fprintln(w, strings.Join(lines, "\n"))
		fs.PrintDefaults()
		fmt.Fprint(w, exitHelp)
	}
}
