package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
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
	format := &formatFlag{value: "text", allowed: []string{"text", "json", "markdown"}}
	fs.Var(format, "format", "output `format`: text, json or markdown")
	var floor floors
	fs.Var(&floor, "min", "fail (exit 1) when a total is below `PERCENT`: one number for statuses, request and response\nfields alike, or e.g. statuses=80,response=50 (the totals not named are not checked)")
	quiet := fs.Bool("quiet", false, "with --format text: print only the summary line")
	allowEmpty := fs.Bool("allow-empty", false, "exit 0, not 3, when no pair matched an operation of the spec")
	fs.Usage = flagUsage(fs, stderr,
		"usage: ssocontract coverage [--spec FILE] [--format text|json|markdown] [--min PERCENT] [--quiet] [--allow-empty] PATH...",
		"Which operations x statuses and request/response fields the recorded pairs exercise.",
		"PATH is as for validate (- reads standard input). Flags may follow the PATHs; -- ends them.")
	paths, code, done := parseArgs(fs, args, stderr, true)
	if done {
		return code
	}
	if *quiet && format.value != "text" {
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
	// Each file is streamed, its pairs counted as they come. read lists the
	// inputs read to their end; recount is set when a file that failed part
	// way had pairs counted already (see recountCoverage).
	var (
		read    []readInput
		recount bool
		counted int
	)
	add := func(p *contract.Pair) error {
		cov.Add(p, v.Route(p))
		counted++
		return nil
	}
	unreadable := 0
	fail := func(err error) {
		unreadable++
		fmt.Fprintf(stderr, "ssocontract coverage: %v\n", err)
	}
	for _, p := range paths {
		if p == stdinPath {
			data, err := readStdin(s.stdin)
			if err == nil {
				var pairs []contract.Pair
				if pairs, err = loadData(data, stdinSource); err == nil {
					for i := range pairs {
						_ = add(&pairs[i])
					}
					read = append(read, readInput{stdinSource, true, data})
				}
			}
			if err != nil {
				fail(err)
			}
			continue
		}
		err := capture.WalkFilesSkipping(p, func(file string, explicit bool) error {
			counted = 0
			err := capture.ForEach(file, add, nil)
			if err != nil && counted > 0 {
				recount = true
			}
			switch {
			case !explicit && errors.Is(err, capture.ErrNotPairFile):
			case err != nil:
				fail(err)
			default:
				read = append(read, readInput{file: file})
			}
			return nil
		}, func(file, reason string) {
			fmt.Fprintf(stderr, "ssocontract coverage: skipped %s: %s\n", contract.Escape(file), reason)
		})
		if err != nil {
			fail(err)
		}
	}
	if recount {
		cov = recountCoverage(v, read, func(p *contract.Pair) (contract.Route, bool) { return v.Route(p), true }, stderr)
	}
	rep := cov.Report()
	switch format.value {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	case "markdown":
		fmt.Fprintln(stdout, "## ssocontract coverage")
		fmt.Fprintln(stdout)
		writeCoverageMarkdown(stdout, rep)
	default:
		if !*quiet {
			if err := rep.WriteText(stdout); err != nil {
				fmt.Fprintf(stderr, "ssocontract coverage: %v\n", err)
				return exitUsage
			}
		}
		fmt.Fprintf(stdout, "coverage: statuses %.1f%%, request fields %.1f%%, response fields %.1f%% from %d pair(s) matching an operation (%d did not)\n",
			rep.StatusPercent, rep.RequestPercent, rep.ResponsePercent, rep.Pairs-rep.UnmatchedPairs, rep.UnmatchedPairs)
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
