package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// newValidator builds the validator from the embedded spec or a spec file,
// widened by scope entries (contract.WithScope). A spec file is loaded with
// contract.LoadSpec, which accepts a document kin-openapi would refuse only
// for a duplicated operationId (Stytch's published spec has one); its
// warnings are printed to warn.
func newValidator(specPath string, strict bool, scopes []string, warn io.Writer) (*contract.Validator, error) {
	opts := []contract.Option{contract.WithStrict(strict)}
	if len(scopes) > 0 {
		opts = append(opts, contract.WithScope(scopes...))
	}
	if specPath != "" {
		doc, warnings, err := contract.LoadSpec(specPath)
		if err != nil {
			return nil, fmt.Errorf("spec %s: %w", specPath, err)
		}
		for _, w := range warnings {
			fmt.Fprintf(warn, "warning: spec %s: %s\n", specPath, w)
		}
		opts = append(opts, contract.WithDocument(doc))
	}
	return contract.New(opts...)
}

// scopeFlag collects --scope entries, repeated or comma-separated.
type scopeFlag []string

func (f *scopeFlag) String() string { return strings.Join(*f, ",") }

func (f *scopeFlag) Set(s string) error {
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			*f = append(*f, e)
		}
	}
	return nil
}

// formatFlag is a flag restricted to a set of values.
type formatFlag struct {
	value   string
	allowed []string
}

func (f *formatFlag) String() string { return f.value }

func (f *formatFlag) Set(s string) error {
	for _, a := range f.allowed {
		if s == a {
			f.value = s
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(f.allowed, ", "))
}

// batchGCPercent is the garbage collector's target while validating: a batch
// run holds little live data (one chunk of pairs per worker), so letting the
// heap grow further between collections costs little memory and saves
// about a third of the run time on large corpora (measured in
// BenchmarkCLICorpus).
const batchGCPercent = 400

// batchMemoryLimit is the soft memory limit of a batch run: far above what
// a run of ordinary pairs holds (about 45 MB, see docs/BENCHMARKS.md), so
// it never costs those runs a collection, but it keeps batchGCPercent from
// multiplying the heap fivefold when a capture's bodies are large (a
// gzip-heavy HAR file).
const batchMemoryLimit = 128 << 20

// batchGC raises the collector's target for a batch run and sets its soft
// memory limit, unless GOGC or GOMEMLIMIT is set (the user's choice wins),
// and returns the function that restores them.
func batchGC() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(batchGCPercent)
		undo = append(undo, func() { debug.SetGCPercent(old) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(batchMemoryLimit)
		undo = append(undo, func() { debug.SetMemoryLimit(old) })
	}
	return func() {
		for _, u := range undo {
			u()
		}
	}
}

// validateOptions are validate's flags.
type validateOptions struct {
	specPath          string
	strict            bool
	format            format
	quiet             bool
	allowEmpty        bool
	failOnMissingBody bool
	scopes            scopeFlag
}

func runValidate(args []string, s sys) int { return runValidateWith(validateFormats(), args, s) }

// runValidateWith is validate with the output formats given: a format is
// all a reporter needs to be reachable from --format.
func runValidateWith(formats []format, args []string, s sys) int {
	fs := flag.NewFlagSet("ssocontract validate", flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	var o validateOptions
	names := make([]string, len(formats))
	var help strings.Builder
	for i, f := range formats {
		names[i] = f.name
		fmt.Fprintf(&help, "\n  %s: %s", f.name, f.help)
	}
	fs.StringVar(&o.specPath, "spec", "", "OpenAPI spec `file` to validate against (default: the embedded spec)")
	fs.BoolVar(&o.strict, "strict", false, "also flag undocumented fields, statuses, content types and operations, and misspelled or undeclared X-Stytch-* request headers")
	formatName := &formatFlag{value: names[0], allowed: names}
	fs.Var(formatName, "format", "output `format`:"+help.String())
	fs.BoolVar(&o.quiet, "quiet", false, "with --format text: print only the summary line")
	fs.BoolVar(&o.allowEmpty, "allow-empty", false, "exit 0, not 3, when no pair matched an operation of the spec")
	fs.BoolVar(&o.failOnMissingBody, "fail-on-missing-body", false, "fail (exit 1) when the capture did not record a body of a checked pair")
	fs.Var(&o.scopes, "scope", "also treat requests under this path `prefix`, host or host/prefix as API traffic (repeatable; with --strict, a call there the spec lacks is an unknown-operation violation)")
	fs.Usage = flagUsage(fs, s.stderr, validateExitHelp,
		"usage: ssocontract validate [--spec FILE] [--strict] [--format "+strings.Join(names, "|")+"] [--quiet]",
		"                            [--allow-empty] [--fail-on-missing-body] [--scope PREFIX]... PATH...",
		"PATH is a .har file, a go-vcr cassette (.yaml/.yml), a directory searched recursively, or - for",
		"standard input (HAR when it starts with {, a cassette otherwise). Flags may follow the PATHs; -- ends them.",
		"Pairs whose method and path reach an operation of the spec are checked; the others are skipped and",
		"counted (other host, path outside the API, CORS preflight, static asset).")
	paths, code, done := parseArgs(fs, args, s.stderr, true)
	if done {
		return code
	}
	for _, f := range formats {
		if f.name == formatName.value {
			o.format = f
		}
	}
	if o.quiet && !o.format.quiet {
		var quiet []string
		for _, f := range formats {
			if f.quiet {
				quiet = append(quiet, f.name)
			}
		}
		fmt.Fprintf(s.stderr, "ssocontract validate: --quiet goes with --format %s\n", strings.Join(quiet, " or "))
		return exitUsage
	}
	return validate(o, paths, s)
}

// validate runs the validate command once its flags are parsed: the
// pipeline over paths, its results to the format's reporter.
func validate(o validateOptions, paths []string, s sys) int {
	v, err := newValidator(o.specPath, o.strict, o.scopes, s.stderr)
	if err != nil {
		fmt.Fprintf(s.stderr, "ssocontract validate: %v\n", err)
		return exitUsage
	}
	defer batchGC()()

	out := bufio.NewWriter(s.stdout)
	rep := o.format.new(&reportOptions{out: out, quiet: o.quiet, failOnMissingBody: o.failOnMissingBody,
		allowEmpty: o.allowEmpty, getenv: s.getenv, validator: v})
	pl := pipeline{step: checkPair(v), stdin: s.stdin}
	if obs, ok := rep.(pairObserver); ok {
		pl.observe = obs.observe
	}
	t := &tally{sum: newSummary(), rep: rep, stderr: s.stderr}
	rep.start()
	pl.run(context.Background(), paths, t)

	tot := conclude(t.sum, o.failOnMissingBody, o.allowEmpty)
	if tot.nothingFails() {
		fmt.Fprintf(s.stderr, "ssocontract validate: %s (--allow-empty accepts this)\n", tot.nothing)
	}
	err = rep.finish(tot)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(s.stderr, "ssocontract validate: %v\n", err)
		return exitUsage
	}
	return tot.exitCode
}

// conclude says how a run with these counts ends: its exit code, and why
// nothing was checked when nothing was.
func conclude(sum *validateSummary, failOnMissingBody, allowEmpty bool) *totals {
	sum.NothingChecked = sum.CheckedPairs == 0
	code := exitOK
	switch {
	case sum.Unreadable > 0:
		code = exitUsage
	case sum.Violations > 0, failOnMissingBody && sum.RequestBodiesNotCaptured+sum.ResponseBodiesNotCaptured > 0:
		code = exitFail
	case sum.NothingChecked && !allowEmpty:
		code = exitNothing
	}
	t := &totals{sum: sum, exitCode: code, allowEmpty: allowEmpty}
	if sum.NothingChecked {
		t.nothing = fmt.Sprintf("nothing checked: none of the %d pair(s) in %d file(s) matched an operation of the spec", sum.Pairs, sum.Files-sum.Unreadable)
	}
	return t
}

// appendFile appends what write writes to the file at path, creating it.
func appendFile(path string, write func(io.Writer)) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	write(f)
	return f.Close()
}
