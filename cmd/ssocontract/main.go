// Command ssocontract checks recorded Stytch B2B SSO traffic against the
// spec, reports coverage, diffs spec versions and runs a local stand-in for
// Stytch.
//
//	ssocontract validate [--spec FILE] [--strict] [--format text|json|junit] PATH...
//	ssocontract coverage [--spec FILE] [--format text|json] PATH...
//	ssocontract diff [--format text|json] OLD NEW
//	ssocontract diff --upstream FILE [OURS]
//	ssocontract serve --addr 127.0.0.1:PORT --project-id ID --secret SECRET [--tls]
//
// Recording is done by the contract suite (`make record`, `make record-local`),
// which owns the scenarios.
//
// Exit codes: 0 success, 1 violations or breaking changes found, 2 bad usage
// or unreadable input.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: it gets its arguments (without the name) and
// the streams, and returns the process exit code.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"validate": {"check recorded pairs (HAR, cassettes) against the spec", runValidate},
		"coverage": {"show which operations, statuses and fields recorded pairs exercise", runCoverage},
		"diff":     {"list breaking and other changes between two spec versions", runDiff},
		"serve":    {"run a local, in-memory stand-in for the two Stytch endpoints", runServe},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ssocontract: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: ssocontract <command> [flags] [args]")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
}
