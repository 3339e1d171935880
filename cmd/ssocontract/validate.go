package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// fileResult is what validating one file produced: its pairs, the
// violations of each (same index), or the error that stopped loading it.
type fileResult struct {
	file       string
	explicit   bool
	pairs      []contract.Pair
	violations [][]contract.Violation
	err        error
	done       chan struct{}
	pending    sync.WaitGroup
}

// validateFiles walks paths, loads files and validates pairs with a pool of
// GOMAXPROCS workers for each stage, and calls emit once per file in walk
// order (never concurrently). A walk error (a missing path) is returned;
// errors loading a file are reported through emit.
func validateFiles(ctx context.Context, v *contract.Validator, paths []string, emit func(*fileResult)) error {
	workers := runtime.GOMAXPROCS(0)
	type chunk struct {
		fr         *fileResult
		start, end int
	}
	loadq := make(chan *fileResult)
	ordered := make(chan *fileResult, 4*workers)
	chunks := make(chan chunk, 4*workers)

	var loaders, validators sync.WaitGroup
	for range workers {
		validators.Go(func() {
			for c := range chunks {
				for i := c.start; i < c.end; i++ {
					c.fr.violations[i] = v.Validate(ctx, &c.fr.pairs[i])
				}
				c.fr.pending.Done()
			}
		})
		loaders.Go(func() {
			for fr := range loadq {
				fr.pairs, fr.err = capture.LoadFile(fr.file)
				fr.violations = make([][]contract.Violation, len(fr.pairs))
				const size = 64
				for s := 0; s < len(fr.pairs); s += size {
					fr.pending.Add(1)
					chunks <- chunk{fr, s, min(s+size, len(fr.pairs))}
				}
				go func() { fr.pending.Wait(); close(fr.done) }()
			}
		})
	}

	var walkErr error
	go func() {
		defer close(ordered)
		defer close(loadq)
		for _, p := range paths {
			err := capture.WalkFiles(p, func(file string, explicit bool) error {
				fr := &fileResult{file: file, explicit: explicit, done: make(chan struct{})}
				ordered <- fr
				loadq <- fr
				return nil
			})
			if err != nil {
				walkErr = err
				return
			}
		}
	}()
	for fr := range ordered {
		<-fr.done
		if !fr.explicit && errors.Is(fr.err, capture.ErrNotPairFile) {
			continue // other YAML beside the recordings
		}
		emit(fr)
	}
	loaders.Wait()
	close(chunks)
	validators.Wait()
	return walkErr
}

// newValidator builds the validator from the embedded spec or a spec file.
func newValidator(specPath string, strict bool) (*contract.Validator, error) {
	opts := []contract.Option{contract.WithStrict(strict)}
	if specPath != "" {
		data, err := os.ReadFile(specPath)
		if err != nil {
			return nil, fmt.Errorf("spec: %w", err)
		}
		doc, err := api.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("spec %s: %w", specPath, err)
		}
		opts = append(opts, contract.WithDocument(doc))
	}
	return contract.New(opts...)
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

type violationRecord struct {
	File  string `json:"file"`
	Entry int    `json:"entry"`
	contract.Violation
}

type fileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

type validateSummary struct {
	Files        int `json:"files"`
	Pairs        int `json:"pairs"`
	FailingPairs int `json:"failing_pairs"`
	Violations   int `json:"violations"`
	Unreadable   int `json:"unreadable_files"`
}

// junit types: the subset of the JUnit XML schema CI dashboards read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// batchGCPercent is the garbage collector's target while validating: a batch
// run holds little live data (one chunk of pairs per worker), so letting the
// heap grow further between collections costs little memory and saves
// about a third of the run time on large corpora (measured in
// BenchmarkCLICorpus).
const batchGCPercent = 400

// batchGC raises the collector's target for a batch run, unless GOGC is set
// (the user's choice wins), and returns the function that restores it.
func batchGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(batchGCPercent)
	return func() { debug.SetGCPercent(old) }
}

func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssocontract validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "OpenAPI spec `file` to validate against (default: the embedded spec)")
	strict := fs.Bool("strict", false, "also flag undocumented fields, statuses, content types and operations")
	format := &formatFlag{value: "text", allowed: []string{"text", "json", "junit"}}
	fs.Var(format, "format", "output `format`: text, json or junit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ssocontract validate [--spec FILE] [--strict] [--format text|json|junit] PATH...")
		fmt.Fprintln(stderr, "PATH is a .har file, a go-vcr cassette (.yaml/.yml) or a directory searched recursively.")
		fmt.Fprintln(stderr, "Exit status: 0 every pair conforms, 1 violations found, 2 bad usage or unreadable input.")
		fs.PrintDefaults()
	}
	if code, done := parseArgs(fs, args, stderr, true); done {
		return code
	}
	v, err := newValidator(*specPath, *strict)
	if err != nil {
		fmt.Fprintf(stderr, "ssocontract validate: %v\n", err)
		return 2
	}
	defer batchGC()()

	var (
		sum     validateSummary
		records = []violationRecord{}
		errs    = []fileError{}
		suites  []junitSuite
	)
	emit := func(fr *fileResult) {
		sum.Files++
		if fr.err != nil {
			sum.Unreadable++
			errs = append(errs, fileError{fr.file, fr.err.Error()})
			fmt.Fprintf(stderr, "ssocontract validate: %v\n", fr.err)
			suites = append(suites, junitSuite{Name: fr.file, Tests: 1, Errors: 1, Cases: []junitCase{{
				Name: "load", ClassName: fr.file, Error: &junitProblem{Message: "unreadable input", Type: "load", Text: fr.err.Error()},
			}}})
			return
		}
		suite := junitSuite{Name: fr.file, Tests: len(fr.pairs)}
		for i := range fr.pairs {
			p := &fr.pairs[i]
			vs := fr.violations[i]
			sum.Pairs++
			op, _, ok := v.FindOperation(p.Method, p.URL)
			if !ok {
				op = p.Method + " (unknown operation)"
			}
			tc := junitCase{Name: fmt.Sprintf("#%d %s %d", p.Index, op, p.StatusCode), ClassName: fr.file}
			if len(vs) > 0 {
				sum.FailingPairs++
				sum.Violations += len(vs)
				suite.Failures++
				lines := make([]string, 0, len(vs))
				for _, vi := range vs {
					records = append(records, violationRecord{fr.file, p.Index, vi})
					lines = append(lines, vi.String())
					if format.value == "text" {
						fmt.Fprintf(stdout, "%s#%d\t%s\t%s\t%s\t%s\t%s\n", fr.file, p.Index, vi.Operation, vi.Side, vi.Kind, vi.Location, vi.Message)
					}
				}
				tc.Failure = &junitProblem{Message: fmt.Sprintf("%d violation(s)", len(vs)), Type: "contract", Text: strings.Join(lines, "\n")}
			}
			suite.Cases = append(suite.Cases, tc)
		}
		suites = append(suites, suite)
	}
	walkErr := validateFiles(context.Background(), v, fs.Args(), emit)
	if walkErr != nil {
		sum.Unreadable++
		errs = append(errs, fileError{"", walkErr.Error()})
		fmt.Fprintf(stderr, "ssocontract validate: %v\n", walkErr)
	}

	switch format.value {
	case "text":
		fmt.Fprintf(stdout, "%d violation(s) in %d of %d pair(s) from %d file(s)", sum.Violations, sum.FailingPairs, sum.Pairs, sum.Files)
		if sum.Unreadable > 0 {
			fmt.Fprintf(stdout, "; %d unreadable", sum.Unreadable)
		}
		fmt.Fprintln(stdout)
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Summary    validateSummary   `json:"summary"`
			Violations []violationRecord `json:"violations"`
			Errors     []fileError       `json:"errors"`
		}{sum, records, errs})
	case "junit":
		doc := junitSuites{Name: "ssocontract validate", Suites: suites}
		for _, s := range suites {
			doc.Tests += s.Tests
			doc.Failures += s.Failures
			doc.Errors += s.Errors
		}
		fmt.Fprint(stdout, xml.Header)
		enc := xml.NewEncoder(stdout)
		enc.Indent("", "  ")
		_ = enc.Encode(doc)
		fmt.Fprintln(stdout)
	}
	switch {
	case sum.Unreadable > 0:
		return 2
	case sum.Violations > 0:
		return 1
	}
	return 0
}

// parseArgs parses a subcommand's flags. done says the command ends here,
// with code: 0 after -h, 2 after a bad flag (the flag package has printed
// why), or 2 when needPaths and no PATH was given.
func parseArgs(fs *flag.FlagSet, args []string, stderr io.Writer, needPaths bool) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	if needPaths && fs.NArg() == 0 {
		fmt.Fprintf(stderr, "%s: no PATH given\n", fs.Name())
		fs.Usage()
		return 2, true
	}
	return 0, false
}
