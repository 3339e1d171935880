package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// A capture file's name is not ours to trust (a directory of someone
// else's recordings): an unreadable file whose name holds a line break and
// a workflow command must not print that command on a line of its own, on
// standard output or standard error (GitHub Actions reads workflow
// commands from both), nor a bidi control character, in any format of
// validate or in coverage.
func TestUnreadableFileNameForgesNoLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := "broken\n::error::FORGED\u202e.har"
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(`{"log":`), 0o600))

	runs := [][]string{{"coverage", dir}}
	for _, f := range validateFormats() {
		runs = append(runs, []string{"validate", "--format", f.name, dir})
	}
	for _, args := range runs {
		code, stdout, stderr := runCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v", args)
		require.Contains(t, stderr, "broken", "%v: the unreadable file is named", args)
		for _, line := range strings.Split(stdout+stderr, "\n") {
			assert.False(t, strings.HasPrefix(line, "::error::FORGED"), "%v: a forged line: %q", args, line)
		}
		assert.NotContains(t, stderr, "\u202e", "%v", args)
	}
}

// The job summary's table of violations by operation and kind has a row
// per operation, not per path: calls the spec does not declare, each at a
// path of its own, are one row, so that the summary (and what validate
// holds to write it) does not grow with the number of distinct paths.
func TestJobSummaryUnknownOperationsOneRow(t *testing.T) {
	t.Parallel()
	const n = 50
	var entries []string
	for i := range n {
		entries = append(entries, fmt.Sprintf(`{"request":{"method":"POST","url":"https://test.stytch.com/v1/b2b/sso/saml/org-%d/connections/c"},"response":{"status":200}}`, i))
	}
	dir := t.TempDir()
	har := filepath.Join(dir, "unknown.har")
	require.NoError(t, os.WriteFile(har, []byte(`{"log":{"entries":[`+strings.Join(entries, ",\n")+`]}}`), 0o600))
	summary := filepath.Join(dir, "summary.md")

	code, stdout, stderr := runWith(t, "", map[string]string{"GITHUB_STEP_SUMMARY": summary}, "validate", "--strict", "--format", "github", har)
	require.Equal(t, exitFail, code, stderr)
	assert.Equal(t, n, strings.Count(stdout, "unknown-operation::"), "one annotation per violation")
	data, err := os.ReadFile(summary)
	require.NoError(t, err)
	var rows []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "| unknown-operation |") {
			rows = append(rows, line)
		}
	}
	assert.Equal(t, []string{fmt.Sprintf("| POST (unknown operation) | unknown-operation | %d |", n)}, rows)
}

// A body not captured in JSON names its pair as a violation does: method,
// path and operation beside file, entry and line, so that a reader can
// tell which call of the file it is without opening the capture.
func TestJSONBodyNotCapturedNamesThePair(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "--format", "json", "testdata/chrome-missing-body.har")
	require.Equal(t, exitOK, code, stderr)
	var doc struct {
		Missing []map[string]any `json:"bodies_not_captured"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	require.Len(t, doc.Missing, 1)
	m := doc.Missing[0]
	assert.Equal(t, "PUT", m["method"])
	assert.Equal(t, "UpdateSAMLConnection", m["operation"])
	assert.Contains(t, m["path"], "/v1/b2b/sso/saml/")
	assert.Equal(t, "response", m["side"])
	assert.Equal(t, "testdata/chrome-missing-body.har", m["file"])
	assert.Positive(t, m["line"])
}

// JSON's summary counts every reason a pair can be skipped, zero or not,
// so that a reader finds the same keys in every run.
func TestJSONSummaryListsEverySkipReason(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "--format", "json", "testdata/chrome-mixed.har")
	require.Equal(t, exitOK, code, stderr)
	var doc struct {
		Summary struct {
			Skipped map[string]int `json:"skipped"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	for _, r := range []contract.Reason{contract.ReasonUndeclaredOperation, contract.ReasonNearMissPath, contract.ReasonNoBodyCaptured,
		contract.ReasonPreflight, contract.ReasonStaticAsset, contract.ReasonOtherHost, contract.ReasonOutsideAPI, contract.ReasonBadURL} {
		assert.Contains(t, doc.Summary.Skipped, string(r))
	}
}

// SARIF stays valid whatever the capture files are called: spaces,
// unicode, "%", "#", "?", a Windows drive-like name, a line break and a
// bidi control in a name, a directory with such a name, an absolute path
// and standard input together; each result's artifact URI is a URI
// reference that resolves back to the file's path.
func TestSARIFOddFileNames(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/violations.har")
	require.NoError(t, err)
	dir := t.TempDir()
	names := []string{"a b.har", "ünï.har", "100%.har", "#1.har", "a?b.har", "C:foo.har", `C:\x.har`, "x\ny.har", "\u202eevil.har", "sub dir #2/in.har"}
	for _, n := range names {
		p := filepath.Join(dir, n)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o600))
	}
	abs := filepath.Join(dir, "a b.har")
	wd, err := os.Getwd()
	require.NoError(t, err)
	rel, err := filepath.Rel(wd, dir)
	require.NoError(t, err)

	code, stdout, stderr := runWith(t, string(data), nil, "validate", "--format", "sarif", rel, abs, "-")
	require.Equal(t, exitFail, code, stderr)
	requireValidSARIF(t, sarifSchema(t), stdout)
	run := readSARIF(t, stdout).Runs[0]
	files := map[string]bool{}
	for _, r := range run.Results {
		if len(r.Locations) == 0 {
			files["-"] = true
			continue
		}
		u, err := url.Parse(r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		require.NoError(t, err)
		if u.Scheme == "file" {
			assert.Equal(t, abs, filepath.FromSlash(u.Path))
		} else {
			p, err := filepath.Rel(rel, filepath.FromSlash(u.Path))
			require.NoError(t, err)
			files[filepath.ToSlash(p)] = true
		}
	}
	for _, n := range names {
		assert.True(t, files[n], "a result points at %q", n)
	}
	assert.True(t, files["-"], "standard input's results have no location")
}

// hostileHAR writes a HAR file built from testdata/violations.har's first
// entry to forge output lines (a line break and a workflow command, a
// carriage return, bidi and line-separator characters in body keys, a
// method, a path and a media type) and to leak values (canaries and a JWT
// in bodies, headers and the query string).
func hostileHAR(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/violations.har")
	require.NoError(t, err)
	var har map[string]any
	require.NoError(t, json.Unmarshal(data, &har))
	log := har["log"].(map[string]any)
	base, err := json.Marshal(log["entries"].([]any)[0])
	require.NoError(t, err)
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJDQU5BUllKV1QifQ.c2lnQ0FOQVJZ"
	const forge = "\n::error file=forged.har,line=1::FORGED\r\nFORGED-LINE\u202eevil\u2028\u0085"
	entry := func(edit func(req, resp map[string]any)) any {
		var e map[string]any
		require.NoError(t, json.Unmarshal(base, &e))
		edit(e["request"].(map[string]any), e["response"].(map[string]any))
		return e
	}
	body := func(text *string, edit func(map[string]any)) {
		var b map[string]any
		require.NoError(t, json.Unmarshal([]byte(*text), &b))
		edit(b)
		out, err := json.Marshal(b)
		require.NoError(t, err)
		*text = string(out)
	}
	header := func(m map[string]any, name, value string) {
		m["headers"] = append(m["headers"].([]any), map[string]any{"name": name, "value": value})
	}
	entries := []any{
		entry(func(req, resp map[string]any) {
			pd := req["postData"].(map[string]any)
			text := pd["text"].(string)
			body(&text, func(b map[string]any) {
				b["x"+forge] = "CANARY_REQ " + jwt
				b["display_name"] = 12345
				b["identity_provider"] = "CANARY_ENUM" + forge
			})
			pd["text"] = text
			content := resp["content"].(map[string]any)
			text = content["text"].(string)
			body(&text, func(b map[string]any) {
				b["y"+forge] = "CANARY_RESP"
				b["session_jwt"] = jwt
				b["connection"].(map[string]any)["status"] = "CANARY_STATUS" + forge
			})
			content["text"] = text
			header(req, "Authorization", "Bearer "+jwt)
			header(req, "X-Stytch-Canary", "CANARY_HDR "+jwt)
			header(req, "X-Stytch-Foo\u202e", "CANARY_HDR2")
			req["url"] = req["url"].(string) + "?session_token=CANARY_QUERY&jwt=" + jwt
		}),
		entry(func(req, _ map[string]any) { req["method"] = "PUT" + forge }),
		entry(func(req, _ map[string]any) {
			req["url"] = strings.Replace(req["url"].(string), "organization-test", "organization%0A::error::FORGED%0D%E2%80%AEtest", 1)
		}),
		entry(func(req, _ map[string]any) {
			req["url"] = "https://evil.example/%0A::error::FORGED%E2%80%AE/x?t=CANARY_OTHER"
		}),
		entry(func(_, resp map[string]any) { header(resp, "X-Stytch-Debug", "CANARY_RESP_HDR "+jwt) }),
		entry(func(_, resp map[string]any) {
			resp["content"].(map[string]any)["text"] = `{"CANARY_BROKEN": "` + jwt + `"`
		}),
	}
	log["entries"] = entries
	out, err := json.Marshal(har)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "hostile.har")
	require.NoError(t, os.WriteFile(p, out, 0o600))
	return p
}

// A crafted capture forges no output line in any format, leaks no value
// of a body, header or query string, keeps JSON, SARIF and JUnit
// well-formed, and every format counts the same violations and exits the
// same way.
func TestHostileCaptureEveryFormat(t *testing.T) {
	t.Parallel()
	file := hostileHAR(t)
	wantViolations := -1
	for _, f := range validateFormats() {
		code, stdout, stderr := runCLI(t, "validate", "--strict", "--format", f.name, file)
		assert.Equal(t, exitFail, code, "%s: %s", f.name, stderr)
		for _, line := range strings.Split(stdout+stderr, "\n") {
			assert.False(t, strings.HasPrefix(line, "::error::FORGED") || strings.HasPrefix(line, "::error file=forged") || strings.HasPrefix(line, "FORGED"),
				"%s: a forged line: %q", f.name, line)
		}
		for _, c := range []string{"CANARY", "eyJ", "FAKE-TEST-ONLY", "UkVEQUNURUQ"} {
			assert.NotContains(t, stdout+stderr, c, f.name)
		}
		if f.name == "text" || f.name == "github" {
			assert.NotContains(t, stdout+stderr, "\u202e", f.name)
			assert.NotContains(t, stdout+stderr, "\u2028", f.name)
		}
		var n int
		switch f.name {
		case "text":
			n = strings.Count(stdout, "\n") - 1
		case "github":
			for _, line := range strings.Split(stdout, "\n") {
				if strings.HasPrefix(line, "::error ") {
					n++
				}
			}
		case "json":
			var doc struct {
				Violations []violationRecord `json:"violations"`
				Summary    validateSummary   `json:"summary"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
			n = len(doc.Violations)
			assert.Equal(t, n, doc.Summary.Violations)
		case "sarif":
			requireValidSARIF(t, sarifSchema(t), stdout)
			n = len(readSARIF(t, stdout).Runs[0].Results)
		case "junit":
			var doc junitSuites
			require.NoError(t, xml.Unmarshal([]byte(stdout), &doc), stdout)
			for _, s := range doc.Suites {
				for _, c := range s.Cases {
					if c.Failure != nil {
						n += strings.Count(c.Failure.Text, "\n") + 1
					}
				}
			}
		}
		if wantViolations < 0 {
			wantViolations = n
			assert.Positive(t, n)
		}
		assert.Equal(t, wantViolations, n, "%s counts the violations the others count", f.name)
	}
}
