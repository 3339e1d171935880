package main

import (
	"fmt"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// textReporter prints one tab-separated line per violation (and per body
// not captured with --fail-on-missing-body) as pairs come, and the summary
// line at the end; with --quiet, the summary line only.
type textReporter struct{ o *reportOptions }

func newTextReporter(o *reportOptions) reporter { return &textReporter{o} }

func (t *textReporter) start() {}

func (t *textReporter) pair(r *result) {
	if t.o.quiet {
		return
	}
	if t.o.failOnMissingBody {
		for _, side := range r.NotCaptured {
			t.line(r, r.notCaptured(side))
		}
	}
	for _, v := range r.Violations {
		t.line(r, v)
	}
}

// line prints file#index, method and path, then the violation's operation,
// side, kind, location and message.
func (t *textReporter) line(r *result, v contract.Violation) {
	fmt.Fprintf(t.o.out, "%s#%d\t%s %s\t%s\t%s\t%s\t%s\t%s\n", contract.Escape(r.File), r.Index, v.Method, v.Path, v.Operation, v.Side, v.Kind, v.Location, v.Message)
}

func (t *textReporter) file(*fileDone) {}

func (t *textReporter) finish(tt *totals) error {
	_, err := fmt.Fprintln(t.o.out, tt.sum.line())
	return err
}
