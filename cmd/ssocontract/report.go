package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// reporter writes validate's output in one format. The pipeline calls
// start once, then pair for every pair (checked, violating or skipped)
// and file at the end of every input, in order and never concurrently,
// then finish once with the totals. A reporter keeps only what its format
// needs at the end (counts, or what it spilled to a temporary file), so
// that memory does not grow with the number of pairs or violations.
// Write errors are kept and returned by finish.
type reporter interface {
	start()
	pair(r *result)
	file(f *fileDone)
	finish(t *totals) error
}

// pairObserver is a reporter that also looks at the pairs themselves
// (bodies included), from several goroutines at once: the GitHub job
// summary's coverage.
type pairObserver interface {
	observe(p *contract.Pair, r *result)
}

// format is one value of validate's --format: its name, a few words for
// --help, whether --quiet goes with it, and its reporter.
type format struct {
	name  string
	help  string
	quiet bool
	new   func(o *reportOptions) reporter
}

// validateFormats lists validate's output formats, the first the default.
// A new format is one file with its reporter and one line here.
func validateFormats() []format {
	return []format{
		{"text", "one line per violation and a summary line", true, newTextReporter},
		{"json", "one JSON document", false, newJSONReporter},
		{"junit", "JUnit XML, one test case per pair", false, newJUnitReporter},
		{"github", "workflow annotations, and a job summary appended to $GITHUB_STEP_SUMMARY when set", false, newGitHubReporter},
		{"sarif", "SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif) and other CI", false, newSARIFReporter},
	}
}

// reportOptions is what reporters may use of the command line and the
// process.
type reportOptions struct {
	// out is standard output, buffered: its first write error is kept.
	out               io.Writer
	quiet             bool
	failOnMissingBody bool
	allowEmpty        bool
	getenv            func(string) string
	validator         *contract.Validator
}

// totals is what a reporter gets at the end.
type totals struct {
	sum *validateSummary
	// exitCode is the command's exit code.
	exitCode int
	// nothing says why nothing was checked ("" when pairs were); it fails
	// the run unless allowEmpty.
	nothing    string
	allowEmpty bool
}

// nothingFails reports whether the run fails because nothing was checked.
func (t *totals) nothingFails() bool { return t.nothing != "" && !t.allowEmpty }

// validateSummary says what happened to every pair: checked (validated) or
// skipped and why, and how many bodies the capture lacked.
type validateSummary struct {
	Files        int `json:"files"`
	Pairs        int `json:"pairs"`
	CheckedPairs int `json:"checked_pairs"`
	// ConformingPairs are the checked pairs without violations;
	// FailingPairs those with.
	ConformingPairs int `json:"conforming_pairs"`
	SkippedPairs    int `json:"skipped_pairs"`
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

// newSummary starts a summary with every reason a pair can be skipped at
// zero, so that JSON and the job summary name the same reasons in every run.
func newSummary() *validateSummary {
	skipped := map[string]int{}
	for _, r := range []contract.Reason{contract.ReasonUndeclaredOperation, contract.ReasonNearMissPath, contract.ReasonNoBodyCaptured,
		contract.ReasonPreflight, contract.ReasonStaticAsset, contract.ReasonOtherHost, contract.ReasonOutsideAPI, contract.ReasonBadURL} {
		skipped[string(r)] = 0
	}
	return &validateSummary{Skipped: skipped}
}

// add counts one pair.
func (s *validateSummary) add(r *result) {
	s.Pairs++
	if !r.checked() {
		s.SkippedPairs++
		s.Skipped[string(r.Route.Reason)]++
		return
	}
	s.CheckedPairs++
	for _, side := range r.NotCaptured {
		if side == contract.SideRequest {
			s.RequestBodiesNotCaptured++
		} else {
			s.ResponseBodiesNotCaptured++
		}
	}
	if len(r.Violations) == 0 {
		s.ConformingPairs++
		return
	}
	s.FailingPairs++
	s.Violations += len(r.Violations)
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

// line is the one-line summary, the last line of text output: how many
// pairs were checked, how many of them conform and how many violate, with
// how many violations; then the skipped pairs by reason, the bodies not
// captured and the inputs.
func (s *validateSummary) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d pair(s) checked", s.CheckedPairs)
	if s.CheckedPairs > 0 {
		fmt.Fprintf(&b, ": %d conform, %d with ", s.ConformingPairs, s.FailingPairs)
		if s.FailingPairs > 0 {
			fmt.Fprintf(&b, "%d violation(s)", s.Violations)
		} else {
			b.WriteString("violations")
		}
	}
	fmt.Fprintf(&b, "; %d skipped", s.SkippedPairs)
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

// tally is the sink of validate's pipeline: it counts every result into
// the summary, says on standard error what could not be read, and hands
// everything on to the reporter.
type tally struct {
	sum    *validateSummary
	rep    reporter
	stderr io.Writer
}

func (t *tally) pair(r *result) {
	t.sum.add(r)
	t.rep.pair(r)
}

func (t *tally) file(f *fileDone) {
	switch {
	case f.PassedOver != "":
		fmt.Fprintf(t.stderr, "ssocontract validate: skipped %s: %s\n", contract.Escape(f.File), f.PassedOver)
	case f.Err != nil:
		t.sum.Files++
		t.sum.Unreadable++
		// The error names the file, whose name may hold a line break: a
		// line of its own would be a workflow command in GitHub Actions.
		fmt.Fprintf(t.stderr, "ssocontract validate: %s\n", contract.Escape(f.Err.Error()))
	default:
		t.sum.Files++
	}
	t.rep.file(f)
}

// spill holds what a reporter can write only at the end (after the totals
// it must print first): a temporary file, removed when closed, so that
// memory does not grow with the output. It is created at the first write.
type spill struct {
	f   *os.File
	w   *bufio.Writer
	err error
}

func (s *spill) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.f == nil {
		if s.f, s.err = os.CreateTemp("", "ssocontract-*"); s.err != nil {
			return 0, s.err
		}
		s.w = bufio.NewWriter(s.f)
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

// copyTo writes what was spilled to w and empties the spill.
func (s *spill) copyTo(w io.Writer) error {
	if s.err != nil || s.f == nil {
		return s.err
	}
	if s.err = s.w.Flush(); s.err != nil {
		return s.err
	}
	if _, s.err = s.f.Seek(0, io.SeekStart); s.err != nil {
		return s.err
	}
	if _, s.err = io.Copy(w, s.f); s.err != nil {
		return s.err
	}
	if s.err = s.f.Truncate(0); s.err == nil {
		_, s.err = s.f.Seek(0, io.SeekStart)
	}
	return s.err
}

// close removes the temporary file.
func (s *spill) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}
