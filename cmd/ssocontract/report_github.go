package main

import (
	"fmt"
	"sync"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
)

// githubReporter writes GitHub Actions workflow annotations as pairs come
// (an error per violation, a warning per body not captured, an error
// instead with --fail-on-missing-body), then the summary line; when
// $GITHUB_STEP_SUMMARY names a file, it appends a Markdown job summary
// there: the counts, the violations by operation and kind, the inputs
// that could not be read and the coverage of the checked pairs.
type githubReporter struct {
	o           *reportOptions
	summaryPath string
	byOpKind    map[[2]string]int
	errs        []fileError

	mu  sync.Mutex
	cov *coverage.Tracker // nil without a job summary
}

func newGitHubReporter(o *reportOptions) reporter {
	g := &githubReporter{o: o, byOpKind: map[[2]string]int{}}
	if o.getenv != nil {
		g.summaryPath = o.getenv("GITHUB_STEP_SUMMARY")
	}
	if g.summaryPath != "" {
		g.cov = coverage.New(o.validator)
	}
	return g
}

func (g *githubReporter) start() {}

// observe counts the checked pairs into the job summary's coverage.
func (g *githubReporter) observe(p *contract.Pair, r *result) {
	if g.cov == nil || !r.checked() {
		return
	}
	g.mu.Lock()
	g.cov.Add(p, r.Route)
	g.mu.Unlock()
}

// annotationFile is the file an annotation names: none for standard input.
func annotationFile(file string, stdin bool) string {
	if stdin {
		return ""
	}
	return file
}

func (g *githubReporter) pair(r *result) {
	file := annotationFile(r.File, r.Stdin)
	for _, side := range r.NotCaptured {
		f := r.notCaptured(side)
		a := annotation{level: "warning", file: file, line: r.Line, title: fmt.Sprintf("ssocontract: %s %s body not captured", r.Operation, side), message: entryName(r.Index, r.Line) + ": " + f.Message}
		if g.o.failOnMissingBody {
			a.level, a.title = "error", fmt.Sprintf("ssocontract: %s %s %s", r.Operation, side, f.Kind)
		}
		a.write(g.o.out)
	}
	for _, v := range r.Violations {
		// r.Operation, not v.Operation: a call the spec does not declare is
		// "METHOD (unknown operation)", one row, not one per path.
		g.byOpKind[[2]string{r.Operation, string(v.Kind)}]++
		annotation{
			level: "error", file: file, line: r.Line,
			title:   fmt.Sprintf("ssocontract: %s %s %s", v.Operation, v.Side, v.Kind),
			message: fmt.Sprintf("%s: %s %s: %s: %s", entryName(r.Index, r.Line), v.Method, v.Path, v.Location, v.Message),
		}.write(g.o.out)
	}
}

func (g *githubReporter) file(f *fileDone) {
	switch {
	case f.PassedOver != "":
		annotation{level: "warning", file: f.File, title: "ssocontract: skipped", message: f.PassedOver}.write(g.o.out)
	case f.Err != nil:
		msg := contract.Escape(f.Err.Error())
		g.errs = append(g.errs, fileError{f.File, msg})
		annotation{level: "error", file: annotationFile(f.File, f.Stdin), title: "ssocontract: unreadable input", message: msg}.write(g.o.out)
	}
}

func (g *githubReporter) finish(t *totals) error {
	if t.nothingFails() {
		annotation{level: "error", title: "ssocontract: nothing checked", message: t.nothing}.write(g.o.out)
	}
	fmt.Fprintln(g.o.out, t.sum.line())
	if g.summaryPath == "" {
		return nil
	}
	js := &jobSummary{sum: t.sum, byOpKind: g.byOpKind, errors: g.errs, coverage: g.cov.Report(), exitCode: t.exitCode}
	if err := appendFile(g.summaryPath, js.write); err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	return nil
}

// entryName names a HAR entry or cassette interaction in annotations.
func entryName(index, line int) string {
	if line > 0 {
		return fmt.Sprintf("entry %d (line %d)", index, line)
	}
	return fmt.Sprintf("entry %d", index)
}
