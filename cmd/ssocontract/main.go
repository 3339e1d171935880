// Command ssocontract checks recorded Stytch B2B SSO traffic against the
// spec, reports coverage, diffs spec versions, writes Stytch's additions into
// the spec and runs a local stand-in for Stytch.
//
//	ssocontract validate [--spec FILE] [--strict] [--format text|json|junit|github|sarif] [--quiet]
//	                     [--allow-empty] [--fail-on-missing-body] [--scope PREFIX]... PATH...
//	ssocontract coverage [--spec FILE] [--format text|json|markdown] [--min PERCENT] [--quiet]
//	                     [--allow-empty] PATH...
//	ssocontract diff [--format text|json] OLD NEW
//	ssocontract diff --upstream FILE [--accept FILE] [--format text|json] [OURS]
//	ssocontract sync --upstream FILE [--spec FILE] [--accept FILE] [--write] [--format text|json]
//	ssocontract sync --from-traffic [--spec FILE] [--write] [--format text|json] CAPTURE...
//	STYTCH_SECRET=SECRET ssocontract serve --project-id ID [--addr 127.0.0.1:PORT] [--tls [--cert-file PATH]]
//	                     [--ready-file PATH] [--session TOKEN]... [--denied-session TOKEN]... [--rate N]
//	                     [--read-timeout DURATION] [--base-url URL]
//	ssocontract version
//
// PATH is a HAR file, a go-vcr cassette, a directory searched recursively
// for both, or "-" for one capture read from standard input (HAR when it
// starts with "{", a cassette otherwise). Flags may come before or after the
// paths; "--" ends the flags. Each command's -h prints its flags and its
// exit statuses.
//
// Recording is done by the contract suite (`make record`, `make record-local`),
// which owns the scenarios.
//
// Exit codes:
//
//	0  success: pairs were checked and conform, the coverage floor is met, no
//	   breaking change, nothing to add (sync), serve stopped by a signal
//	1  violations found, a body not captured with --fail-on-missing-body,
//	   coverage below --min, a breaking change or a difference not accepted
//	   (diff), something to add or decide (sync, also after --write), serve
//	   could not serve
//	2  bad usage, or unreadable input: a PATH missing or unreadable (the other
//	   PATHs are still checked and reported)
//	3  nothing checked: no pair matched an operation of the spec (an empty
//	   capture, an empty directory, only unrelated traffic); --allow-empty
//	   turns this into 0 (sync --from-traffic has no --allow-empty)
//
// When several apply, 2 wins over 1, and 1 over 3.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes of every subcommand; see the package documentation.
const (
	exitOK      = 0
	exitFail    = 1
	exitUsage   = 2
	exitNothing = 3
)

// exitCodesHelp is the exit-code summary printed by ssocontract --help; each
// subcommand's --help prints its own (validateExitHelp, coverageExitHelp, ...).
const exitCodesHelp = `Exit status (each command's -h says exactly when):
  0  success: pairs were checked and conform, the coverage floor is met, no breaking change
  1  violations found, coverage below --min, a breaking change (diff), something to add (sync)
  2  bad usage, or unreadable input (a missing or unreadable PATH; the other PATHs are still checked)
  3  nothing checked: no pair matched an operation of the spec (--allow-empty: 0 instead)
When several apply, 2 wins over 1, and 1 over 3.
`

// validateExitHelp is the exit-code table of validate --help.
const validateExitHelp = `Exit status:
  0  pairs were checked and conform
  1  violations found, or a body not captured with --fail-on-missing-body
  2  bad usage; a PATH missing or unreadable (the other PATHs are still checked);
     the job summary file ($GITHUB_STEP_SUMMARY, --format github) not writable
  3  nothing checked: no pair matched an operation of the spec (--allow-empty: 0 instead)
When several apply, 2 wins over 1, and 1 over 3: read the output for violations when a PATH was
also unreadable.
`

// coverageExitHelp is the exit-code table of coverage --help.
const coverageExitHelp = `Exit status:
  0  report written, and the floor (--min) is met
  1  a total below --min
  2  bad usage, or a PATH missing or unreadable (the other PATHs are still read)
  3  nothing checked: no pair matched an operation of the spec (--allow-empty: 0 instead)
When several apply, 2 wins over 1, and 1 over 3.
`

// sys is what a command may use of its process: the standard streams and
// the environment. Tests pass their own.
type sys struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand: it gets its arguments (without the name) and
// the process, and returns the process exit code.
type command struct {
	summary string
	run     func(args []string, s sys) int
}

func commands() map[string]command {
	return map[string]command{
		"validate": {"check recorded pairs (HAR, cassettes) against the spec", runValidate},
		"coverage": {"show which operations, statuses and fields recorded pairs exercise", runCoverage},
		"diff":     {"list breaking and other changes between two spec versions", func(args []string, s sys) int { return runDiff(args, s.stdout, s.stderr) }},
		"sync":     {"write Stytch's additions (--upstream) or what traffic shows (--from-traffic) into the spec", runSync},
		"serve":    {"run a local, in-memory stand-in for the two Stytch endpoints", func(args []string, s sys) int { return runServe(args, s.stdout, s.stderr) }},
		"version":  {"print the module version and VCS revision of this binary", runVersion},
	}
}

func main() {
	os.Exit(runSys(os.Args[1:], sys{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}))
}

// run runs a command with no standard input and an empty environment.
func run(args []string, stdout, stderr io.Writer) int {
	return runSys(args, sys{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(string) string { return "" }})
}

func runSys(args []string, s sys) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(s.stderr, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" || args[0] == "-version" {
		return runVersion(args[1:], s)
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(s.stderr, "ssocontract: unknown command %q\n", args[0])
		usage(s.stderr, cmds)
		return exitUsage
	}
	return c.run(args[1:], s)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: ssocontract <command> [flags] [args]   (ssocontract <command> -h for its flags)")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprint(w, exitCodesHelp)
}
