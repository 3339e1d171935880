package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// sarifReporter writes one SARIF 2.1.0 log with one run: a result per
// violation (and per body not captured: a warning, an error with
// --fail-on-missing-body), its rule the violation's kind, its location the
// capture file and the line where the pair's entry or interaction starts,
// its message naming method, path and pointer, never a value. The rules
// (every kind the validator reports) come first, so results are written
// as pairs come; inputs that could not be read are notifications of the
// run's invocation, written at the end.
type sarifReporter struct {
	o     *reportOptions
	rules map[contract.Kind]int
	n     int
	notes []*sarif.Notification
}

// sarifRule describes one kind of violation.
type sarifRule struct {
	kind contract.Kind
	text string
}

// sarifRules describes every kind of violation, in the order of the run's
// rules.
func sarifRules() []sarifRule {
	return []sarifRule{
		{contract.KindSchema, "A value does not match its schema (type, enum, format, bounds)."},
		{contract.KindMissingRequired, "A required property, parameter or body is absent."},
		{contract.KindUndocumentedField, "A body property the spec does not declare (strict mode), or a key that differs from a declared property only in case."},
		{contract.KindStatus, "The response status is not one the operation declares."},
		{contract.KindContentType, "A body's media type is not one the spec declares."},
		{contract.KindSecurity, "The request lacks the credentials the spec demands."},
		{contract.KindUnknownOperation, "No operation of the spec matches the method and path (strict mode)."},
		{contract.KindUnreadableBody, "A body could not be read or parsed as its media type."},
		{contract.KindInvariant, "The pair breaks a rule of the real API that no schema expresses."},
		{contract.KindDuplicateKey, "A JSON object holds the same key twice, or two keys matching one property ignoring case."},
		{kindBodyNotCaptured, "The capture says a body existed but did not record it: the body was not checked."},
	}
}

func newSARIFReporter(o *reportOptions) reporter {
	return &sarifReporter{o: o, rules: map[contract.Kind]int{}}
}

func (s *sarifReporter) start() {
	driver := sarif.NewDriver("ssocontract").WithInformationURI("https://github.com/stytchsso/stytchsso")
	driver.Rules = []*sarif.ReportingDescriptor{}
	for i, r := range sarifRules() {
		s.rules[r.kind] = i
		level := "error"
		if r.kind == kindBodyNotCaptured && !s.o.failOnMissingBody {
			level = "warning"
		}
		driver.Rules = append(driver.Rules, sarif.NewRule(string(r.kind)).WithName(string(r.kind)).
			WithShortDescription(sarif.NewMultiformatMessageString(r.text)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level)))
	}
	tool, _ := json.MarshalIndent(sarif.Tool{Driver: driver}, "      ", "  ")
	fmt.Fprintf(s.o.out, "{\n  \"version\": \"2.1.0\",\n  \"$schema\": %q,\n  \"runs\": [\n    {\n      \"tool\": %s,\n      \"results\": [", sarifSchemaURI, tool)
}

// sarifSchemaURI is the schema a SARIF 2.1.0 log names.
const sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

func (s *sarifReporter) pair(r *result) {
	for _, side := range r.NotCaptured {
		level := "warning"
		if s.o.failOnMissingBody {
			level = "error"
		}
		s.result(r, r.notCaptured(side), level)
	}
	for _, v := range r.Violations {
		s.result(r, v, "error")
	}
}

// result writes one SARIF result.
func (s *sarifReporter) result(r *result, v contract.Violation, level string) {
	idx, ok := s.rules[v.Kind]
	if !ok { // a kind this file does not know yet: still reported
		idx = -1
	}
	res := sarif.NewRuleResult(string(v.Kind)).WithLevel(level).
		WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s %s: %s %s %s: %s (%s)", v.Method, v.Path, v.Side, v.Location, v.Kind, v.Message, v.Operation)))
	if idx >= 0 {
		res.WithRuleIndex(idx)
	}
	if !r.Stdin {
		loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(r.File)))
		if r.Line > 0 {
			loc.WithRegion(sarif.NewSimpleRegion(r.Line, r.Line))
		}
		res.AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
	}
	res.Properties = sarif.Properties{"entry": r.Index}
	data, _ := json.Marshal(res)
	sep := ","
	if s.n == 0 {
		sep = ""
	}
	s.n++
	fmt.Fprintf(s.o.out, "%s\n        %s", sep, data)
}

// fileURI is a file path as a URI reference: relative as given (code
// scanning resolves it against the repository's root), or a file: URI for
// an absolute path.
func fileURI(file string) string {
	u := url.URL{Path: filepath.ToSlash(file)}
	if filepath.IsAbs(file) {
		u.Scheme = "file"
		if !strings.HasPrefix(u.Path, "/") { // a Windows drive letter
			u.Path = "/" + u.Path
		}
	}
	return u.String()
}

func (s *sarifReporter) file(f *fileDone) {
	note := sarif.NewNotification()
	switch {
	case f.PassedOver != "":
		note.Level, note.Message = "warning", sarif.NewTextMessage(fmt.Sprintf("skipped %s: %s", contract.Escape(f.File), f.PassedOver))
	case f.Err != nil:
		note.Level, note.Message = "error", sarif.NewTextMessage(f.Err.Error())
	default:
		return
	}
	if !f.Stdin {
		note.Locations = []*sarif.Location{sarif.NewLocationWithPhysicalLocation(
			sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(f.File))))}
	}
	s.notes = append(s.notes, note)
}

func (s *sarifReporter) finish(t *totals) error {
	if t.nothingFails() {
		note := sarif.NewNotification()
		note.Level, note.Message = "error", sarif.NewTextMessage(t.nothing)
		s.notes = append(s.notes, note)
	}
	inv := sarif.NewInvocation().WithExecutionSuccess(t.exitCode != exitUsage).WithExitCode(t.exitCode)
	inv.ToolExecutionNotifications = s.notes
	inv.Properties = sarif.Properties{"summary": t.sum.line()}
	data, _ := json.Marshal(inv)
	closing := "\n      ]"
	if s.n == 0 {
		closing = "]"
	}
	_, err := fmt.Fprintf(s.o.out, "%s,\n      \"invocations\": [%s]\n    }\n  ]\n}\n", closing, data)
	return err
}
