package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
)

// floors is the coverage --min flag: a floor in percent for each total of
// the report (declared statuses, request fields, response fields); a
// negative floor is not checked.
type floors struct {
	statuses, request, response float64
	set                         bool
}

func (f *floors) String() string {
	if !f.set {
		return ""
	}
	return fmt.Sprintf("statuses=%g,request=%g,response=%g", f.statuses, f.request, f.response)
}

// Set accepts PERCENT (every total) or a comma-separated list of
// statuses=PERCENT, request=PERCENT, response=PERCENT (the totals not named
// are not checked).
func (f *floors) Set(s string) error {
	parse := func(v string) (float64, error) {
		p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
		if err != nil || p < 0 || p > 100 {
			return 0, fmt.Errorf("%q is not a percentage between 0 and 100", v)
		}
		return p, nil
	}
	f.set = true
	if !strings.Contains(s, "=") {
		p, err := parse(s)
		f.statuses, f.request, f.response = p, p, p
		return err
	}
	f.statuses, f.request, f.response = -1, -1, -1
	for _, part := range strings.Split(s, ",") {
		name, val, _ := strings.Cut(part, "=")
		p, err := parse(val)
		if err != nil {
			return err
		}
		switch strings.TrimSpace(name) {
		case "statuses":
			f.statuses = p
		case "request":
			f.request = p
		case "response":
			f.response = p
		default:
			return fmt.Errorf("%q: want statuses, request or response", name)
		}
	}
	return nil
}

// below lists the totals of r under their floors, as "statuses 28.6% < 50%".
func (f *floors) below(r *coverage.Report) []string {
	if !f.set {
		return nil
	}
	var out []string
	for _, c := range []struct {
		name         string
		got, atLeast float64
	}{{"statuses", r.StatusPercent, f.statuses}, {"request fields", r.RequestPercent, f.request}, {"response fields", r.ResponsePercent, f.response}} {
		if c.atLeast >= 0 && c.got < c.atLeast {
			out = append(out, fmt.Sprintf("%s %.1f%% < %g%%", c.name, c.got, c.atLeast))
		}
	}
	return out
}

func runCoverage(args []string, s sys) int {
	stdout, stderr := s.stdout, s.stderr
	fs := flag.NewFlagSet("ssocontract coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "OpenAPI spec `file` (default: the embedded spec)")
	formats := coverageFormats()
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	format := &formatFlag{value: names[0], allowed: names}
	fs.Var(format, "format", "output `format`: "+strings.Join(names, ", "))
	var floor floors
	fs.Var(&floor, "min", "fail (exit 1) when a total is below `PERCENT`: one number for statuses, request and response\nfields alike, or e.g. statuses=80,response=50 (the totals not named are not checked)")
	quiet := fs.Bool("quiet", false, "with --format text: print only the summary line")
	allowEmpty := fs.Bool("allow-empty", false, "exit 0, not 3, when no pair matched an operation of the spec")
	fs.Usage = flagUsage(fs, stderr, coverageExitHelp,
		"usage: ssocontract coverage [--spec FILE] [--format "+strings.Join(names, "|")+"] [--min PERCENT] [--quiet] [--allow-empty] PATH...",
		"Which operations x statuses and request/response fields the recorded pairs exercise.",
		"PATH is as for validate (- reads standard input). Flags may follow the PATHs; -- ends them.")
	paths, code, done := parseArgs(fs, args, stderr, true)
	if done {
		return code
	}
	var out coverageFormat
	for _, f := range formats {
		if f.name == format.value {
			out = f
		}
	}
	if *quiet && !out.quiet {
		fmt.Fprintln(stderr, "ssocontract coverage: --quiet goes with --format text")
		return exitUsage
	}
	v, err := newValidator(*specPath, false, nil, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ssocontract coverage: %v\n", err)
		return exitUsage
	}
	defer batchGC()()
	cov := coverage.New(v)
	var mu sync.Mutex
	pl := pipeline{step: routePair(v), stdin: s.stdin, observe: func(p *contract.Pair, r *result) {
		mu.Lock()
		cov.Add(p, r.Route)
		mu.Unlock()
	}}
	files := &coverageFiles{stderr: stderr}
	pl.run(context.Background(), paths, files)
	unreadable := files.unreadable
	rep := cov.Report()
	if err := out.write(stdout, rep, *quiet); err != nil {
		fmt.Fprintf(stderr, "ssocontract coverage: %v\n", err)
		return exitUsage
	}
	checked := rep.Pairs - rep.UnmatchedPairs
	if checked == 0 && !*allowEmpty {
		fmt.Fprintf(stderr, "ssocontract coverage: nothing checked: none of the %d pair(s) matched an operation of the spec (--allow-empty accepts this)\n", rep.Pairs)
	}
	below := floor.below(rep)
	if len(below) > 0 {
		fmt.Fprintf(stderr, "ssocontract coverage: below the floor: %s\n", strings.Join(below, ", "))
	}
	switch {
	case unreadable > 0:
		return exitUsage
	case len(below) > 0:
		return exitFail
	case checked == 0 && !*allowEmpty:
		return exitNothing
	}
	return exitOK
}

// coverageFormat is one value of coverage's --format: its name, whether
// --quiet goes with it, and how it writes the report.
type coverageFormat struct {
	name  string
	quiet bool
	write func(w io.Writer, r *coverage.Report, quiet bool) error
}

// coverageFormats lists coverage's output formats, the first the default.
func coverageFormats() []coverageFormat {
	return []coverageFormat{
		{"text", true, writeCoverageText},
		{"json", false, func(w io.Writer, r *coverage.Report, _ bool) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}},
		{"markdown", false, func(w io.Writer, r *coverage.Report, _ bool) error {
			fmt.Fprintln(w, "## ssocontract coverage")
			fmt.Fprintln(w)
			writeCoverageMarkdown(w, r)
			return nil
		}},
	}
}

// writeCoverageText writes the report's tables (not with quiet) and its
// summary line.
func writeCoverageText(w io.Writer, r *coverage.Report, quiet bool) error {
	if !quiet {
		if err := r.WriteText(w); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "coverage: statuses %.1f%%, request fields %.1f%%, response fields %.1f%% from %d pair(s) matching an operation (%d did not)\n",
		r.StatusPercent, r.RequestPercent, r.ResponsePercent, r.Pairs-r.UnmatchedPairs, r.UnmatchedPairs)
	return err
}

// coverageFiles is the sink of coverage's pipeline: the pairs went to the
// tracker; it says on standard error what could not be read.
type coverageFiles struct {
	stderr     io.Writer
	unreadable int
}

func (c *coverageFiles) pair(*result) {}

func (c *coverageFiles) file(f *fileDone) {
	switch {
	case f.PassedOver != "":
		fmt.Fprintf(c.stderr, "ssocontract coverage: skipped %s: %s\n", contract.Escape(f.File), f.PassedOver)
	case f.Err != nil:
		c.unreadable++
		fmt.Fprintf(c.stderr, "ssocontract coverage: %s\n", contract.Escape(f.Err.Error())) // the error names the file
	}
}
