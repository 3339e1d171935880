package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
)

const testdata = "../../pkg/contract/capture/testdata"

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// brokenFile writes an unreadable cassette and returns its path.
func brokenFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "broken.yaml")
	require.NoError(t, os.WriteFile(p, []byte("version: 2\ninteractions:\n  - [\n"), 0o600))
	return p
}

// cliCase is one run of the command: its arguments, the exit code it must
// end with, and text that must stand in its stdout and its stderr.
type cliCase struct {
	name     string
	args     []string
	want     int
	inStdout []string
	inStderr []string
}

// runCLICases runs each case as a parallel subtest.
func runCLICases(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, tt.want, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range tt.inStdout {
				assert.Contains(t, stdout, s)
			}
			for _, s := range tt.inStderr {
				assert.Contains(t, stderr, s)
			}
		})
	}
}

func TestValidateExitCodes(t *testing.T) {
	t.Parallel()
	valid := []string{testdata + "/har/valid.har", testdata + "/cassettes/valid.yaml"}
	runCLICases(t, []cliCase{
		{"clean pairs, strict", append([]string{"validate", "--strict"}, valid...), 0, []string{"6 pair(s) checked: 6 conform, 0 with violations; 0 skipped; 0 body(ies) not captured; 6 pair(s) from 2 file(s)"}, nil},
		{"violations", []string{"validate", testdata + "/har/violations.har"}, 1,
			[]string{"violations.har#0\tPUT /v1/b2b/sso/saml/organization-test-00000000-0000-4000-8000-000000000001/connections/saml-connection-test-00000000-0000-4000-8000-000000000002\tUpdateSAMLConnection\tresponse\tmissing-required\t/connection/acs_url\t", "3 pair(s) checked: 0 conform, 3 with 3 violation(s); 0 skipped; 0 body(ies) not captured; 3 pair(s) from 1 file(s)"}, nil},
		{"strict finds undocumented fields", []string{"validate", "--strict", testdata + "/cassettes/violations.yaml"}, 1,
			[]string{"undocumented-field\t/connection/brand_new_field"}, nil},
		{"directory, other YAML skipped", []string{"validate", testdata}, 1, []string{"from 4 file(s)"}, nil},
		{"unreadable file", []string{"validate", brokenFile(t)}, 2, []string{"1 unreadable"}, []string{"broken.yaml", "line"}},
		{"missing path", []string{"validate", "no/such/dir"}, 2, nil, []string{"no/such/dir"}},
		{"no path", []string{"validate"}, 2, nil, []string{"no PATH given", "usage:"}},
		{"bad format", []string{"validate", "--format", "xml", valid[0]}, 2, nil, []string{"want one of text, json, junit"}},
		{"unknown flag", []string{"validate", "--nope", valid[0]}, 2, nil, []string{"flag provided but not defined"}},
		{"bad spec", []string{"validate", "--spec", brokenFile(t), valid[0]}, 2, nil, []string{"spec", "broken.yaml"}},
		{"help", []string{"validate", "-h"}, 0, nil, []string{"usage: ssocontract validate"}},
	})
}

func TestValidateNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json", "junit"} {
		code, stdout, stderr := runCLI(t, "validate", "--strict", "--format", format, testdata)
		assert.Equal(t, 1, code)
		for _, canary := range []string{"FAKE-TEST-ONLY", "secret-test-", "Basic cHJv"} {
			assert.NotContains(t, stdout+stderr, canary, format)
		}
	}
}

func TestValidateJSON(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "validate", "--format", "json", testdata+"/har", brokenFile(t))
	assert.Equal(t, 2, code, "unreadable input wins over violations")
	var got struct {
		Summary struct {
			Files, Pairs, Violations int
			FailingPairs             int `json:"failing_pairs"`
			Unreadable               int `json:"unreadable_files"`
		} `json:"summary"`
		Violations []struct {
			File, Operation, Side, Kind, Location, Message string
			Entry                                          int
		} `json:"violations"`
		Errors []struct{ File, Error string } `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, 3, got.Summary.Files)
	assert.Equal(t, 6, got.Summary.Pairs)
	assert.Equal(t, 3, got.Summary.Violations)
	assert.Equal(t, 1, got.Summary.Unreadable)
	require.Len(t, got.Violations, 3)
	assert.Equal(t, "UpdateExternalConnection", got.Violations[1].Operation)
	assert.Equal(t, 1, got.Violations[1].Entry)
	assert.Equal(t, "request", got.Violations[1].Side)
	require.Len(t, got.Errors, 1)
	assert.Contains(t, got.Errors[0].File, "broken.yaml")

	code, stdout, _ = runCLI(t, "validate", "--format", "json", testdata+"/har/valid.har")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"violations": []`)
}

func TestValidateJUnit(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "validate", "--format", "junit", testdata+"/har/valid.har", testdata+"/har/violations.har")
	assert.Equal(t, 1, code)
	var got junitSuites
	require.NoError(t, xml.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, 6, got.Tests)
	assert.Equal(t, 3, got.Failures)
	require.Len(t, got.Suites, 2)
	assert.Equal(t, 0, got.Suites[0].Failures)
	require.Len(t, got.Suites[1].Cases, 3, "one testcase per pair")
	require.NotNil(t, got.Suites[1].Cases[2].Failure)
	assert.Contains(t, got.Suites[1].Cases[2].Failure.Text, "invariant /status_code")

	code, stdout, _ = runCLI(t, "validate", "--format", "junit", brokenFile(t))
	assert.Equal(t, 2, code)
	require.NoError(t, xml.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, 1, got.Errors)
}

func TestValidateOrderIsStable(t *testing.T) {
	t.Parallel()
	// Many small files through the worker pool: output follows walk order.
	dir := t.TempDir()
	data, err := os.ReadFile(testdata + "/har/violations.har")
	require.NoError(t, err)
	var want []string
	for i := range 40 {
		name := filepath.Join(dir, fmt.Sprintf("f%02d.har", i))
		require.NoError(t, os.WriteFile(name, data, 0o600))
		want = append(want, name)
	}
	_, stdout, _ := runCLI(t, "validate", dir)
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if f, _, ok := strings.Cut(line, "#"); ok && !strings.Contains(f, " ") {
			if len(files) == 0 || files[len(files)-1] != f {
				files = append(files, f)
			}
		}
	}
	assert.Equal(t, want, files)
}

func TestCoverageCommand(t *testing.T) {
	t.Parallel()
	runCLICases(t, []cliCase{
		{"text", []string{"coverage", testdata}, 0, []string{"OPERATION", "UpdateSAMLConnection      6      2/7 (28.6%)", "declared, never exercised:"}, nil},
		{"json", []string{"coverage", "--format", "json", testdata + "/har/valid.har"}, 0, []string{`"operation_id": "UpdateSAMLConnection"`, `"status_percent"`}, nil},
		{"unreadable", []string{"coverage", brokenFile(t)}, 2, nil, []string{"broken.yaml"}},
		{"no path", []string{"coverage"}, 2, nil, []string{"no PATH given", "usage: ssocontract coverage"}},
		{"help", []string{"coverage", "-h"}, 0, nil, []string{"usage: ssocontract coverage"}},
		{"unknown flag", []string{"coverage", "--nope", testdata}, 2, nil, []string{"flag provided but not defined"}},
		{"bad format", []string{"coverage", "--format", "junit", testdata}, 2, nil, []string{"want one of text, json"}},
	})
}

func TestDiffCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	spec := string(api.YAML())
	old := write("old.yaml", []byte(spec))
	require.Contains(t, spec, "        - shibboleth\n")
	breaking := write("breaking.yaml", []byte(strings.Replace(spec, "        - shibboleth\n", "", 1)))
	require.Contains(t, spec, "  version: 1.0.0\n")
	additive := write("additive.yaml", []byte(strings.Replace(spec, "        allow_gateway_callback:\n          type: boolean\n          description: Whether the connection accepts callbacks through a gateway (not described by Stytch).\n",
		"        allow_gateway_callback:\n          type: boolean\n          description: Whether the connection accepts callbacks through a gateway (not described by Stytch).\n        brand_new:\n          type: string\n", 1)))
	upstream := "../../pkg/specdiff/testdata/diff/upstream-moved.yaml"

	runCLICases(t, []cliCase{
		{"no change", []string{"diff", old, old}, 0, []string{"0 breaking, 0 other"}, nil},
		{"additive", []string{"diff", old, additive}, 0, []string{"other changes (", "0 breaking"}, nil},
		{"breaking", []string{"diff", old, breaking}, 1, []string{"breaking changes (", "request-property-enum-value-removed"}, nil},
		{"json", []string{"diff", "--format", "json", old, breaking}, 1, []string{`"breaking": true`}, nil},
		{"upstream", []string{"diff", "--upstream", upstream}, 1, []string{"/connection/upstream_only", "25 difference(s) from upstream"}, nil},
		{"upstream json", []string{"diff", "--upstream", upstream, "--format", "json"}, 1, []string{`"aspect": "body-required"`}, nil},
		{"upstream same as ours", []string{"diff", "--upstream", old, old}, 0, []string{"0 difference(s)"}, nil},
		{"missing file", []string{"diff", old, filepath.Join(dir, "nope.yaml")}, 2, nil, []string{"nope.yaml"}},
		{"broken spec", []string{"diff", old, brokenFile(t)}, 2, nil, []string{"broken.yaml"}},
		{"one arg", []string{"diff", old}, 2, nil, []string{"want OLD and NEW"}},
		{"help", []string{"diff", "-h"}, 0, nil, []string{"usage: ssocontract diff"}},
		{"unknown flag", []string{"diff", "--nope", old, old}, 2, nil, []string{"flag provided but not defined"}},
	})
}

func TestDiffUpstreamAcceptedBaseline(t *testing.T) {
	t.Parallel()
	upstream := "../../pkg/specdiff/testdata/diff/upstream-moved.yaml"
	code, full, stderr := runCLI(t, "diff", "--upstream", upstream, "--format", "json")
	require.Equal(t, 1, code, stderr)
	var doc struct {
		Differences []map[string]any `json:"differences"`
	}
	require.NoError(t, json.Unmarshal([]byte(full), &doc))
	require.Greater(t, len(doc.Differences), 2)

	dir := t.TempDir()
	write := func(name string, diffs []map[string]any) string {
		t.Helper()
		data, err := json.Marshal(map[string]any{"differences": diffs})
		require.NoError(t, err)
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	all := write("all.json", doc.Differences)
	// The baseline lacks the field only upstream has: Stytch's spec moved.
	var withoutNew []map[string]any
	for _, d := range doc.Differences {
		if d["pointer"] != "/connection/upstream_only" {
			withoutNew = append(withoutNew, d)
		}
	}
	require.Len(t, withoutNew, len(doc.Differences)-1)
	moved := write("moved.json", withoutNew)
	stale := write("stale.json", append(append([]map[string]any{}, doc.Differences...), map[string]any{
		"operation": "PUT /nowhere", "where": "request body", "aspect": "presence", "ours": "declared", "upstream": "absent",
	}))
	notJSON := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(notJSON, []byte("{"), 0o600))

	runCLICases(t, []cliCase{
		{"everything accepted", []string{"diff", "--upstream", upstream, "--accept", all}, 0, []string{", 0 new"}, nil},
		{"upstream moved", []string{"diff", "--upstream", upstream, "--accept", moved}, 1, []string{"1 new", "NEW: ", "/connection/upstream_only"}, nil},
		{"accepted difference gone", []string{"diff", "--upstream", upstream, "--accept", stale}, 0, []string{"GONE", "PUT /nowhere"}, nil},
		{"unreadable baseline", []string{"diff", "--upstream", upstream, "--accept", notJSON}, 2, nil, []string{"broken.json"}},
		{"accept without upstream", []string{"diff", "--accept", all, upstream, upstream}, 2, nil, []string{"--accept goes with --upstream"}},
	})
}

// TestCommittedUpstreamBaselineMatches keeps api/upstream-accepted.json in
// step with Stytch's published spec when the copy beside the repository is
// there: every difference is accepted and none is stale.
func TestCommittedUpstreamBaselineMatches(t *testing.T) {
	t.Parallel()
	upstream := filepath.Join("..", "..", "..", "shared", "stytch", "openapi-subset_update-saml-and-external-connection.yml")
	if _, err := os.Stat(upstream); err != nil {
		t.Skipf("Stytch's published spec is not beside the repository (%s): nothing to compare", upstream)
	}
	code, stdout, stderr := runCLI(t, "diff", "--upstream", upstream, "--accept", filepath.Join("..", "..", "api", "upstream-accepted.json"))
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, ", 0 new")
	assert.NotContains(t, stdout, "GONE")
}
