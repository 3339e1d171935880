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
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
)

// pairInfo is what the output needs of one pair once it has been
// validated: the pair itself, bodies and headers, is dropped.
type pairInfo struct {
	Index, Line int
	Method      string
	// Path is the URL's path, set only when a body is missing (for the
	// text line that says so).
	Path string
	// Op names the operation of a checked pair ("METHOD (unknown
	// operation)" when none matches).
	Op                                      string
	StatusCode                              int
	RequestBodyMissing, ResponseBodyMissing bool
}

// fileResult is what validating one file produced: the pairs kept for
// output (see pipeline.keep), the violations of each (same index), why each
// out-of-scope one was skipped ("" for the pairs validated), the counts of
// the pairs not kept, or the error that stopped reading it. A file is
// emitted only once read to its end, so that a file that fails part way
// reports only its error, as if loaded whole.
type fileResult struct {
	file     string
	explicit bool
	stdin    bool
	data     []byte // the capture, kept only when read from standard input
	// pairs, violations and skipped hold the pairs kept, in file order.
	pairs      []pairInfo
	violations [][]contract.Violation
	skipped    []string
	// cleanPairs counts the checked pairs not kept; skippedPairs the
	// skipped ones not kept, by reason.
	cleanPairs   int
	skippedPairs map[string]int
	// observed counts the pairs handed to pipeline.observe.
	observed int
	err      error
	// notRegular says why a file found in a directory walk was passed over
	// unopened (a named pipe, a socket, a device): reported, not loaded.
	notRegular string
	// chunks carries the file's pairs to the emitter in order; closed once
	// the file is read (err is set before).
	chunks chan *chunk
}

// total is the number of pairs the file held.
func (fr *fileResult) total() int {
	n := len(fr.pairs) + fr.cleanPairs
	for _, c := range fr.skippedPairs {
		n += c
	}
	return n
}

func newFileResult(file string, explicit bool) *fileResult {
	return &fileResult{file: file, explicit: explicit, skippedPairs: map[string]int{}, chunks: make(chan *chunk, chunkQueue)}
}

// chunkSize is how many pairs a validator takes at a time; chunkQueue how
// many chunks of one file may wait for the emitter. Together with the
// number of workers they bound the pairs held at once, whatever the size
// of a file or of the corpus.
const (
	chunkSize  = 64
	chunkQueue = 2
)

// chunk is a run of consecutive pairs of one file, validated by one worker,
// which then drops the pairs and keeps what the output needs.
type chunk struct {
	pairs      []contract.Pair
	info       []pairInfo
	violations [][]contract.Violation
	skipped    []string
	observed   int
	done       chan struct{}
}

// pipeline says what validateInputs keeps and whom it shows the pairs.
type pipeline struct {
	// keep says whether a validated or skipped pair is kept in its
	// fileResult (with its violations or skip reason); the others are
	// only counted. Nil keeps every pair.
	keep func(p *pairInfo, reason string, vs []contract.Violation) bool
	// observe, when set, sees every checked pair with its bodies and its
	// route, from several goroutines at once.
	observe func(*contract.Pair, contract.Route)
}

// validateFiles validates every pair under paths with the CLI's scope (strict
// as v is) and no standard input, keeping every pair; see validateInputs.
func validateFiles(ctx context.Context, v *contract.Validator, strict bool, paths []string, emit func(*fileResult)) {
	validateInputs(ctx, v, strict, nil, paths, pipeline{}, emit)
}

// validateInputs walks paths, streams each file (capture.ForEach) and
// validates the pairs in scope with a pool of GOMAXPROCS workers for each
// stage, and calls emit once per file in walk order (never concurrently),
// after the file has been read to its end. Only a few chunks of pairs per
// worker are held at a time; what a file's pairs leave behind is what
// p.keep asks for. A PATH that cannot be walked (missing, unreadable) is
// emitted as a fileResult with its error, and the other PATHs are still
// validated. stdinPath ("-") reads stdin (whole: it is bounded by
// capture.MaxFileBytes).
func validateInputs(ctx context.Context, v *contract.Validator, strict bool, stdin io.Reader, paths []string, pl pipeline, emit func(*fileResult)) {
	workers := runtime.GOMAXPROCS(0)
	loadq := make(chan *fileResult)
	ordered := make(chan *fileResult, 4*workers)
	work := make(chan *chunk, 4*workers)

	var loaders, validators sync.WaitGroup
	for range workers {
		validators.Go(func() {
			for c := range work {
				validateChunk(ctx, v, strict, pl.observe, c)
			}
		})
		loaders.Go(func() {
			for fr := range loadq {
				var cur *chunk
				flush := func() {
					if cur != nil {
						fr.chunks <- cur
						work <- cur
						cur = nil
					}
				}
				add := func(p *contract.Pair) error {
					if cur == nil {
						cur = &chunk{pairs: make([]contract.Pair, 0, chunkSize), done: make(chan struct{})}
					}
					cur.pairs = append(cur.pairs, *p)
					if len(cur.pairs) == chunkSize {
						flush()
					}
					return nil
				}
				if fr.stdin {
					var pairs []contract.Pair
					if fr.data, fr.err = readStdin(stdin); fr.err == nil {
						pairs, fr.err = loadData(fr.data, fr.file)
					}
					for i := range pairs {
						_ = add(&pairs[i])
					}
				} else {
					fr.err = capture.ForEach(fr.file, add, nil)
				}
				flush()
				close(fr.chunks)
			}
		})
	}

	go func() {
		defer close(ordered)
		defer close(loadq)
		send := func(fr *fileResult) {
			ordered <- fr
			loadq <- fr
		}
		finished := func(fr *fileResult) {
			close(fr.chunks)
			ordered <- fr
		}
		for _, p := range paths {
			if p == stdinPath {
				fr := newFileResult(stdinSource, true)
				fr.stdin = true
				send(fr)
				continue
			}
			err := capture.WalkFilesSkipping(p, func(file string, explicit bool) error {
				send(newFileResult(file, explicit))
				return nil
			}, func(file, reason string) {
				fr := newFileResult(file, false)
				fr.notRegular = reason
				finished(fr)
			})
			if err != nil {
				fr := newFileResult(p, true)
				fr.err = err
				finished(fr)
			}
		}
	}()
	for fr := range ordered {
		for c := range fr.chunks {
			<-c.done
			fr.observed += c.observed
			for i := range c.info {
				p, reason, vs := &c.info[i], c.skipped[i], c.violations[i]
				switch {
				case pl.keep == nil || pl.keep(p, reason, vs):
					fr.pairs = append(fr.pairs, *p)
					fr.violations = append(fr.violations, vs)
					fr.skipped = append(fr.skipped, reason)
				case reason != "":
					fr.skippedPairs[reason]++
				default:
					fr.cleanPairs++
				}
			}
		}
		if fr.err != nil {
			// A file that fails part way reports only its error.
			fr.pairs, fr.violations, fr.skipped = nil, nil, nil
			fr.cleanPairs, fr.skippedPairs = 0, map[string]int{}
		}
		if !fr.explicit && errors.Is(fr.err, capture.ErrNotPairFile) {
			continue // other YAML beside the recordings
		}
		emit(fr)
	}
	loaders.Wait()
	close(work)
	validators.Wait()
}

// validateChunk validates (or skips) the pairs of c, keeps what the output
// needs of each and drops the pairs.
func validateChunk(ctx context.Context, v *contract.Validator, strict bool, observe func(*contract.Pair, contract.Route), c *chunk) {
	n := len(c.pairs)
	c.info = make([]pairInfo, n)
	c.violations = make([][]contract.Violation, n)
	c.skipped = make([]string, n)
	for i := range c.pairs {
		p := &c.pairs[i]
		info := &c.info[i]
		*info = pairInfo{Index: p.Index, Line: p.Line, Method: p.Method, StatusCode: p.StatusCode,
			RequestBodyMissing: p.RequestBodyMissing, ResponseBodyMissing: p.ResponseBodyMissing}
		res := v.Check(ctx, p)
		if !res.Checked() {
			c.skipped[i] = string(res.Route.Reason)
			continue
		}
		c.violations[i] = res.Violations
		info.Op = res.Route.Operation
		if info.Op == "" {
			info.Op = p.Method + " (unknown operation)"
		}
		if p.RequestBodyMissing || p.ResponseBodyMissing {
			info.Path = res.Route.Path
		}
		if observe != nil {
			observe(p, res.Route)
			c.observed++
		}
	}
	c.pairs = nil
	close(c.done)
}

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

type violationRecord struct {
	File  string `json:"file"`
	Entry int    `json:"entry"`
	contract.Violation
}

type fileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// missingBody is a pair in scope whose body the capture did not record.
type missingBody struct {
	File  string        `json:"file"`
	Entry int           `json:"entry"`
	Side  contract.Side `json:"side"`
}

// validateSummary says what happened to every pair: checked (validated) or
// skipped and why, and how many bodies the capture lacked.
type validateSummary struct {
	Files        int `json:"files"`
	Pairs        int `json:"pairs"`
	CheckedPairs int `json:"checked_pairs"`
	SkippedPairs int `json:"skipped_pairs"`
	// Skipped counts the skipped pairs by reason (contract.Reason); the
	// reasons newSummary lists are always present.
	Skipped                   map[string]int `json:"skipped"`
	RequestBodiesNotCaptured  int            `json:"request_bodies_not_captured"`
	ResponseBodiesNotCaptured int            `json:"response_bodies_not_captured"`
	FailingPairs              int            `json:"failing_pairs"`
	Violations                int            `json:"violations"`
	Unreadable                int            `json:"unreadable_files"`
	// NothingChecked is set when no pair was checked (exit 3 unless
	// --allow-empty).
	NothingChecked bool `json:"nothing_checked"`
}

func newSummary() *validateSummary {
	return &validateSummary{Skipped: map[string]int{
		string(contract.ReasonOtherHost): 0, string(contract.ReasonOutsideAPI): 0, string(contract.ReasonPreflight): 0,
		string(contract.ReasonStaticAsset): 0, string(contract.ReasonBadURL): 0,
	}}
}

// reasons lists the skip reasons: most frequent first, then by name.
func (s *validateSummary) reasons() []string {
	out := make([]string, 0, len(s.Skipped))
	for r := range s.Skipped {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := s.Skipped[out[i]], s.Skipped[out[j]]
		if a != b {
			return a > b
		}
		return out[i] < out[j]
	})
	return out
}

// line is the one-line summary, the last line of text output.
func (s *validateSummary) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d violation(s) in %d of %d checked pair(s); %d skipped", s.Violations, s.FailingPairs, s.CheckedPairs, s.SkippedPairs)
	var parts []string
	for _, r := range s.reasons() {
		if n := s.Skipped[r]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, contract.Reason(r).Describe()))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "; %d body(ies) not captured; %d pair(s) from %d file(s)", s.RequestBodiesNotCaptured+s.ResponseBodiesNotCaptured, s.Pairs, s.Files)
	if s.Unreadable > 0 {
		fmt.Fprintf(&b, "; %d unreadable", s.Unreadable)
	}
	if s.NothingChecked {
		b.WriteString("; nothing checked")
	}
	return b.String()
}

// junit types: the subset of the JUnit XML schema CI dashboards read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
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

// validateOptions are validate's flags.
type validateOptions struct {
	specPath          string
	strict            bool
	format            string
	quiet             bool
	allowEmpty        bool
	failOnMissingBody bool
	scopes            scopeFlag
}

func runValidate(args []string, s sys) int {
	fs := flag.NewFlagSet("ssocontract validate", flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	var o validateOptions
	fs.StringVar(&o.specPath, "spec", "", "OpenAPI spec `file` to validate against (default: the embedded spec)")
	fs.BoolVar(&o.strict, "strict", false, "also flag undocumented fields, statuses, content types and operations")
	format := &formatFlag{value: "text", allowed: []string{"text", "json", "junit", "github"}}
	fs.Var(format, "format", "output `format`: text, json, junit or github (workflow annotations, and a job summary appended to $GITHUB_STEP_SUMMARY when set)")
	fs.BoolVar(&o.quiet, "quiet", false, "with --format text: print only the summary line")
	fs.BoolVar(&o.allowEmpty, "allow-empty", false, "exit 0, not 3, when no pair matched an operation of the spec")
	fs.BoolVar(&o.failOnMissingBody, "fail-on-missing-body", false, "fail (exit 1) when the capture did not record a body of a checked pair")
	fs.Var(&o.scopes, "scope", "also treat requests under this path `prefix`, host or host/prefix as API traffic (repeatable; with --strict, a call there the spec lacks is an unknown-operation violation)")
	fs.Usage = flagUsage(fs, s.stderr,
		"usage: ssocontract validate [--spec FILE] [--strict] [--format text|json|junit|github] [--quiet]",
		"                            [--allow-empty] [--fail-on-missing-body] [--scope PREFIX]... PATH...",
		"PATH is a .har file, a go-vcr cassette (.yaml/.yml), a directory searched recursively, or - for",
		"standard input (HAR when it starts with {, a cassette otherwise). Flags may follow the PATHs; -- ends them.",
		"Pairs whose method and path reach an operation of the spec are checked; the others are skipped and",
		"counted (other host, path outside the API, CORS preflight, static asset).")
	paths, code, done := parseArgs(fs, args, s.stderr, true)
	if done {
		return code
	}
	o.format = format.value
	if o.quiet && o.format != "text" {
		fmt.Fprintln(s.stderr, "ssocontract validate: --quiet goes with --format text")
		return exitUsage
	}
	return validate(o, paths, s)
}

// validate runs the validate command once its flags are parsed.
func validate(o validateOptions, paths []string, s sys) int {
	stdout, stderr := s.stdout, s.stderr
	v, err := newValidator(o.specPath, o.strict, o.scopes, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ssocontract validate: %v\n", err)
		return exitUsage
	}
	defer batchGC()()

	summaryPath := ""
	if o.format == "github" {
		summaryPath = s.getenv("GITHUB_STEP_SUMMARY")
	}
	var (
		sum      = newSummary()
		records  = []violationRecord{}
		errs     = []fileError{}
		missing  = []missingBody{}
		suites   []junitSuite
		byOpKind = map[[2]string]int{}
		cov      *coverage.Tracker
		// read lists the inputs read to their end; recount is set when a
		// file that failed part way had pairs counted in cov.
		read    []readInput
		recount bool
	)
	if summaryPath != "" {
		cov = coverage.New(v)
	}
	emit := func(fr *fileResult) {
		if fr.notRegular != "" {
			fmt.Fprintf(stderr, "ssocontract validate: skipped %s: %s\n", contract.Escape(fr.file), fr.notRegular)
			if o.format == "github" {
				annotation{level: "warning", file: fr.file, title: "ssocontract: skipped", message: fr.notRegular}.write(stdout)
			}
			return
		}
		sum.Files++
		if fr.err != nil {
			if fr.observed > 0 {
				recount = true
			}
			sum.Unreadable++
			errs = append(errs, fileError{fr.file, fr.err.Error()})
			fmt.Fprintf(stderr, "ssocontract validate: %v\n", fr.err)
			if o.format == "github" {
				annotation{level: "error", file: annotationFile(fr), title: "ssocontract: unreadable input", message: fr.err.Error()}.write(stdout)
			}
			suites = append(suites, junitSuite{Name: fr.file, Tests: 1, Errors: 1, Cases: []junitCase{{
				Name: "load", ClassName: fr.file, Error: &junitProblem{Message: "unreadable input", Type: "load", Text: fr.err.Error()},
			}}})
			return
		}
		if cov != nil {
			read = append(read, readInput{fr.file, fr.stdin, fr.data})
		}
		total := fr.total()
		suite := junitSuite{Name: fr.file, Tests: total}
		fileSkipped := map[string]int{}
		checked, bodiesMissing := fr.cleanPairs, 0
		// The pairs not kept are clean or skipped: counted only.
		sum.Pairs += fr.cleanPairs
		sum.CheckedPairs += fr.cleanPairs
		for reason, n := range fr.skippedPairs {
			sum.Pairs += n
			sum.SkippedPairs += n
			sum.Skipped[reason] += n
			fileSkipped[reason] += n
			suite.Skipped += n
		}
		for i := range fr.pairs {
			p := &fr.pairs[i]
			vs := fr.violations[i]
			sum.Pairs++
			if reason := fr.skipped[i]; reason != "" {
				sum.SkippedPairs++
				sum.Skipped[reason]++
				fileSkipped[reason]++
				suite.Skipped++
				suite.Cases = append(suite.Cases, junitCase{
					Name:      fmt.Sprintf("#%d %s skipped", p.Index, p.Method),
					ClassName: fr.file, Skipped: &junitSkipped{Message: contract.Reason(reason).Describe()},
				})
				continue
			}
			sum.CheckedPairs++
			checked++
			op := p.Op
			tc := junitCase{Name: fmt.Sprintf("#%d %s %d", p.Index, op, p.StatusCode), ClassName: fr.file}
			var failures []string
			reqMissing, respMissing := p.RequestBodyMissing, p.ResponseBodyMissing
			for _, side := range []struct {
				missing bool
				side    contract.Side
				count   *int
			}{{reqMissing, contract.SideRequest, &sum.RequestBodiesNotCaptured}, {respMissing, contract.SideResponse, &sum.ResponseBodiesNotCaptured}} {
				if !side.missing {
					continue
				}
				*side.count++
				bodiesMissing++
				missing = append(missing, missingBody{fr.file, p.Index, side.side})
				msg := fmt.Sprintf("the capture did not record the %s body", side.side)
				if o.failOnMissingBody {
					failures = append(failures, fmt.Sprintf("%s %s body-not-captured: %s", op, side.side, msg))
					switch o.format {
					case "text":
						if !o.quiet {
							fmt.Fprintf(stdout, "%s#%d\t%s %s\t%s\t%s\tbody-not-captured\tbody\t%s\n", contract.Escape(fr.file), p.Index, contract.Escape(p.Method), contract.Escape(p.Path), op, side.side, msg)
						}
					case "github":
						annotation{level: "error", file: annotationFile(fr), line: p.Line, title: "ssocontract: " + op + " " + string(side.side) + " body-not-captured", message: entryName(p.Index, p.Line) + ": " + msg}.write(stdout)
					}
				} else if o.format == "github" {
					annotation{level: "warning", file: annotationFile(fr), line: p.Line, title: "ssocontract: " + op + " " + string(side.side) + " body not captured", message: entryName(p.Index, p.Line) + ": " + msg}.write(stdout)
				}
			}
			if len(vs) > 0 {
				sum.FailingPairs++
				sum.Violations += len(vs)
				for _, vi := range vs {
					records = append(records, violationRecord{fr.file, p.Index, vi})
					failures = append(failures, vi.String())
					byOpKind[[2]string{vi.Operation, string(vi.Kind)}]++
					switch o.format {
					case "text":
						if !o.quiet {
							fmt.Fprintf(stdout, "%s#%d\t%s %s\t%s\t%s\t%s\t%s\t%s\n", contract.Escape(fr.file), p.Index, vi.Method, vi.Path, vi.Operation, vi.Side, vi.Kind, vi.Location, vi.Message)
						}
					case "github":
						annotation{
							level: "error", file: annotationFile(fr), line: p.Line,
							title:   fmt.Sprintf("ssocontract: %s %s %s", vi.Operation, vi.Side, vi.Kind),
							message: fmt.Sprintf("%s: %s %s: %s: %s", entryName(p.Index, p.Line), vi.Method, vi.Path, vi.Location, vi.Message),
						}.write(stdout)
					}
				}
			}
			if len(failures) > 0 {
				suite.Failures++
				tc.Failure = &junitProblem{Message: fmt.Sprintf("%d problem(s)", len(failures)), Type: "contract", Text: strings.Join(failures, "\n")}
			}
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Properties = []junitProperty{{"checked_pairs", strconv.Itoa(checked)}, {"skipped_pairs", strconv.Itoa(total - checked)}}
		reasons := make([]string, 0, len(fileSkipped))
		for r := range fileSkipped {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		for _, r := range reasons {
			suite.Properties = append(suite.Properties, junitProperty{"skipped." + r, strconv.Itoa(fileSkipped[r])})
		}
		suite.Properties = append(suite.Properties, junitProperty{"bodies_not_captured", strconv.Itoa(bodiesMissing)})
		suites = append(suites, suite)
	}
	pl := pipeline{keep: func(p *pairInfo, reason string, vs []contract.Violation) bool {
		return o.format == "junit" || reason == "" && (len(vs) > 0 || p.RequestBodyMissing || p.ResponseBodyMissing)
	}}
	if cov != nil {
		var mu sync.Mutex
		pl.observe = func(p *contract.Pair, r contract.Route) {
			mu.Lock()
			cov.Add(p, r)
			mu.Unlock()
		}
	}
	validateInputs(context.Background(), v, o.strict, s.stdin, paths, pl, emit)
	if cov != nil && recount {
		cov = recountCoverage(v, read, func(p *contract.Pair) (contract.Route, bool) {
			res := v.Check(context.Background(), p)
			return res.Route, res.Checked()
		}, stderr)
	}

	sum.NothingChecked = sum.CheckedPairs == 0
	code := exitOK
	switch {
	case sum.Unreadable > 0:
		code = exitUsage
	case sum.Violations > 0, o.failOnMissingBody && sum.RequestBodiesNotCaptured+sum.ResponseBodiesNotCaptured > 0:
		code = exitFail
	case sum.NothingChecked && !o.allowEmpty:
		code = exitNothing
	}
	nothingMsg := ""
	if sum.NothingChecked {
		nothingMsg = fmt.Sprintf("nothing checked: none of the %d pair(s) in %d file(s) matched an operation of the spec", sum.Pairs, sum.Files-sum.Unreadable)
		if !o.allowEmpty {
			fmt.Fprintf(stderr, "ssocontract validate: %s (--allow-empty accepts this)\n", nothingMsg)
		}
	}

	switch o.format {
	case "text":
		fmt.Fprintln(stdout, sum.line())
	case "github":
		if sum.NothingChecked && !o.allowEmpty {
			annotation{level: "error", title: "ssocontract: nothing checked", message: nothingMsg}.write(stdout)
		}
		fmt.Fprintln(stdout, sum.line())
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Summary           *validateSummary  `json:"summary"`
			Violations        []violationRecord `json:"violations"`
			BodiesNotCaptured []missingBody     `json:"bodies_not_captured"`
			Errors            []fileError       `json:"errors"`
		}{sum, records, missing, errs})
	case "junit":
		if sum.NothingChecked && !o.allowEmpty {
			suites = append(suites, junitSuite{Name: "ssocontract", Tests: 1, Failures: 1, Cases: []junitCase{{
				Name: "something was checked", ClassName: "ssocontract",
				Failure: &junitProblem{Message: "nothing checked", Type: "nothing-checked", Text: nothingMsg},
			}}})
		}
		doc := junitSuites{Name: "ssocontract validate", Suites: suites}
		for _, s := range suites {
			doc.Tests += s.Tests
			doc.Failures += s.Failures
			doc.Errors += s.Errors
			doc.Skipped += s.Skipped
		}
		fmt.Fprint(stdout, xml.Header)
		enc := xml.NewEncoder(stdout)
		enc.Indent("", "  ")
		_ = enc.Encode(doc)
		fmt.Fprintln(stdout)
	}
	if summaryPath != "" {
		js := &jobSummary{sum: sum, byOpKind: byOpKind, errors: errs, coverage: cov.Report(), exitCode: code, allowEmpty: o.allowEmpty}
		if err := appendFile(summaryPath, js.write); err != nil {
			fmt.Fprintf(stderr, "ssocontract validate: GITHUB_STEP_SUMMARY: %v\n", err)
			return exitUsage
		}
	}
	return code
}

// entryName names a HAR entry or cassette interaction in annotations.
func entryName(index, line int) string {
	if line > 0 {
		return fmt.Sprintf("entry %d (line %d)", index, line)
	}
	return fmt.Sprintf("entry %d", index)
}

// annotationFile is the file an annotation names: none for standard input.
func annotationFile(fr *fileResult) string {
	if fr.stdin {
		return ""
	}
	return fr.file
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

// readInput is an input read to its end: a file, or standard input's bytes.
type readInput struct {
	file  string
	stdin bool
	data  []byte
}

// recountCoverage counts the pairs of the inputs read to their end (those
// of them for which route says so, with the route it gives) into a new
// tracker. It is needed only
// when a file that failed part way had some of its pairs counted already:
// a file counts whole or not at all, as when files were loaded whole.
// Only the file names (and standard input's bytes) were kept, so the files
// are read again; a file that fails this time is reported to warn.
func recountCoverage(v *contract.Validator, read []readInput, route func(*contract.Pair) (contract.Route, bool), warn io.Writer) *coverage.Tracker {
	cov := coverage.New(v)
	add := func(p *contract.Pair) error {
		if r, ok := route(p); ok {
			cov.Add(p, r)
		}
		return nil
	}
	for _, in := range read {
		var err error
		if in.stdin {
			var pairs []contract.Pair
			if pairs, err = loadData(in.data, in.file); err == nil {
				for i := range pairs {
					_ = add(&pairs[i])
				}
			}
		} else {
			err = capture.ForEach(in.file, add, nil)
		}
		if err != nil {
			fmt.Fprintf(warn, "ssocontract: coverage: %v\n", err)
		}
	}
	return cov
}
