package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// reportEvents is one run as a reporter sees it: every kind of pair
// (conforming, violating, skipped, a body not captured) in a file read to
// its end, a file that fails after one pair, and a file passed over.
func reportEvents() []any {
	saml := contract.Route{Reason: contract.ReasonOperation, Operation: "UpdateSAMLConnection", Method: "PUT",
		Path: "/v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-2"}
	asset := contract.Route{Reason: contract.ReasonStaticAsset, Method: "GET", Path: "/app.js"}
	other := contract.Route{Reason: contract.ReasonOtherHost, Method: "POST", Path: "/collect"}
	violation := func(kind contract.Kind, side contract.Side, loc, msg string) contract.Violation {
		return contract.Violation{Method: saml.Method, Path: saml.Path, Operation: saml.Operation, Side: side, Kind: kind, Location: loc, Message: msg}
	}
	return []any{
		&result{File: "a.har", Index: 0, Line: 10, Status: 200, Route: saml, Operation: saml.Operation},
		&result{File: "a.har", Index: 1, Line: 79, Status: 200, Route: saml, Operation: saml.Operation, Violations: []contract.Violation{
			violation(contract.KindMissingRequired, contract.SideResponse, "/connection/acs_url", "required property is missing"),
			violation(contract.KindSchema, contract.SideRequest, "/display_name", "must be a string, found a number"),
		}},
		&result{File: "a.har", Index: 2, Line: 148, Status: 200, Route: asset},
		&result{File: "a.har", Index: 3, Line: 170, Status: 200, Route: saml, Operation: saml.Operation, NotCaptured: []contract.Side{contract.SideResponse}},
		&fileDone{File: "a.har", Pairs: 4},
		&result{File: "b.yaml", Index: 0, Line: 4, Status: 204, Route: other},
		&fileDone{File: "b.yaml", Pairs: 1, Err: errors.New("capture: b.yaml: line 40: did not find expected key")},
		&fileDone{File: "pipe.har", PassedOver: "not a regular file (a FIFO)"},
	}
}

// runReporter hands reportEvents to a reporter of format f as validate
// would, and returns what it wrote and its job summary (for GitHub).
func runReporter(t *testing.T, f format, failOnMissingBody bool) (out, summary string) {
	t.Helper()
	v, err := newValidator("", false, nil, io.Discard)
	require.NoError(t, err)
	summaryPath := filepath.Join(t.TempDir(), "summary.md")
	var buf bytes.Buffer
	rep := f.new(&reportOptions{out: &buf, failOnMissingBody: failOnMissingBody, validator: v,
		getenv: func(k string) string { return map[string]string{"GITHUB_STEP_SUMMARY": summaryPath}[k] }})
	tl := &tally{sum: newSummary(), rep: rep, stderr: io.Discard}
	rep.start()
	for _, e := range reportEvents() {
		switch e := e.(type) {
		case *result:
			tl.pair(e)
		case *fileDone:
			tl.file(e)
		}
	}
	require.NoError(t, rep.finish(conclude(tl.sum, failOnMissingBody, false)))
	if data, err := os.ReadFile(summaryPath); err == nil {
		summary = string(data)
	}
	return buf.String(), summary
}

// Each reporter on the same run, against its golden file: what it prints
// of each kind of pair, of an unreadable file and of a file passed over.
func TestReporters(t *testing.T) {
	t.Parallel()
	for _, f := range validateFormats() {
		for _, fail := range []bool{false, true} {
			name := f.name
			if fail {
				name += "-fail-on-missing-body"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				out, summary := runReporter(t, f, fail)
				golden(t, "report/"+name+".out", out)
				assert.NotContains(t, out, "\n\n\n")
				if summary != "" {
					golden(t, "report/"+name+".summary.md", summary)
				}
			})
		}
	}
}

// The summary line says how many pairs were checked, how many of them
// conform and how many violate, with how many violations, and keeps the
// skipped and not-captured counts.
func TestSummaryLine(t *testing.T) {
	t.Parallel()
	sum := newSummary()
	for _, e := range reportEvents() {
		if r, ok := e.(*result); ok {
			sum.add(r)
		}
	}
	sum.Files, sum.Unreadable = 2, 1
	assert.Equal(t, "3 pair(s) checked: 2 conform, 1 with 2 violation(s); 2 skipped (1 other host, 1 static asset); 1 body(ies) not captured; 5 pair(s) from 2 file(s); 1 unreadable", sum.line())

	clean := newSummary()
	clean.add(reportEvents()[0].(*result))
	clean.Files = 1
	assert.Equal(t, "1 pair(s) checked: 1 conform, 0 with violations; 0 skipped; 0 body(ies) not captured; 1 pair(s) from 1 file(s)", clean.line())

	none := newSummary()
	none.add(reportEvents()[2].(*result))
	none.Files = 1
	conclude(none, false, false)
	assert.Equal(t, "0 pair(s) checked; 1 skipped (1 static asset); 0 body(ies) not captured; 1 pair(s) from 1 file(s); nothing checked", none.line())
}

// countingReporter is a format the tests register: it records what it is
// handed.
type countingReporter struct {
	o       *reportOptions
	started bool
	pairs   []result
	files   []fileDone
	totals  *totals
}

func (c *countingReporter) start()           { c.started = true }
func (c *countingReporter) pair(r *result)   { c.pairs = append(c.pairs, *r) }
func (c *countingReporter) file(f *fileDone) { c.files = append(c.files, *f) }
func (c *countingReporter) finish(t *totals) error {
	c.totals = t
	_, err := fmt.Fprintf(c.o.out, "counted %d pair(s)\n", len(c.pairs))
	return err
}

// A new format is a format value: given to validate, --format takes it,
// --help lists it, and its reporter sees every pair, checked or skipped,
// with its file, line, method and path, then every file, then the totals.
func TestRegisteringAFormatIsAllItNeeds(t *testing.T) {
	t.Parallel()
	var rep *countingReporter
	formats := append(validateFormats(), format{name: "count", help: "how many pairs", new: func(o *reportOptions) reporter {
		rep = &countingReporter{o: o}
		return rep
	}})
	var stdout, stderr bytes.Buffer
	s := sys{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := runValidateWith(formats, []string{"--strict", "--format", "count", "testdata/chrome-mixed.har"}, s)
	require.Equal(t, exitOK, code, stderr.String())
	assert.Equal(t, "counted 9 pair(s)\n", stdout.String())
	require.NotNil(t, rep)
	assert.True(t, rep.started)
	require.Len(t, rep.pairs, 9)
	checked := 0
	for i, r := range rep.pairs {
		assert.Equal(t, "testdata/chrome-mixed.har", r.File)
		assert.Equal(t, i, r.Index)
		assert.Positive(t, r.Line)
		assert.NotEmpty(t, r.Route.Method)
		assert.NotEmpty(t, r.Route.Path)
		if r.checked() {
			checked++
		}
	}
	assert.Equal(t, 3, checked)
	require.Len(t, rep.files, 1)
	assert.Equal(t, 9, rep.files[0].Pairs)
	require.NotNil(t, rep.totals)
	assert.Equal(t, 9, rep.totals.sum.Pairs)
	assert.Equal(t, exitOK, rep.totals.exitCode)

	stderr.Reset()
	assert.Equal(t, exitOK, runValidateWith(formats, []string{"-h"}, s))
	assert.Contains(t, stderr.String(), "count: how many pairs")
	assert.Contains(t, stderr.String(), "[--format text|json|junit|github|sarif|count]")

	stderr.Reset()
	assert.Equal(t, exitUsage, runValidateWith(validateFormats(), []string{"--format", "count", "testdata/chrome-mixed.har"}, s),
		"without its format value, --format count is refused")
}
