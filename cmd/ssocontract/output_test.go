package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got, "golden file %s (go test -update rewrites it)", path)
}

// runWith runs the CLI with stdin and an environment.
func runWith(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runSys(args, sys{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

func TestFormatVersion(t *testing.T) {
	t.Parallel()
	mod := debug.Module{Path: "github.com/stytchsso/stytchsso", Version: "v1.2.0"}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"tagged", &debug.BuildInfo{GoVersion: "go1.26.1", Main: mod, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "false"}}},
			"ssocontract v1.2.0 (github.com/stytchsso/stytchsso, revision 0123abcd, go1.26.1)"},
		{"devel, modified", &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: mod.Path, Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"}}},
			"ssocontract devel (github.com/stytchsso/stytchsso, revision 0123abcd+modified, go1.26.1)"},
		{"go install, no VCS", &debug.BuildInfo{GoVersion: "go1.26.1", Main: mod},
			"ssocontract v1.2.0 (github.com/stytchsso/stytchsso, revision unknown, go1.26.1)"},
		{"no build info", nil, "ssocontract (version unknown: the binary carries no build information)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, formatVersion(tt.info))
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, stderr := runCLI(t, args...)
		assert.Equal(t, 0, code, stderr)
		assert.True(t, strings.HasPrefix(stdout, "ssocontract "), stdout)
		assert.Contains(t, stdout, "revision ")
	}
	code, _, stderr := runCLI(t, "version", "extra")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "usage: ssocontract version")
	code, _, stderr = runCLI(t, "version", "--bogus")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "flag provided but not defined: -bogus")
}

// TestVersionHelp: `version --help` exits 0 like every other --help.
func TestVersionHelp(t *testing.T) {
	t.Parallel()
	for _, flag := range []string{"-h", "--help", "-help"} {
		code, stdout, stderr := runCLI(t, "version", flag)
		assert.Equal(t, 0, code, "version %s: %s", flag, stderr)
		assert.Contains(t, stderr, "usage: ssocontract version", flag)
		assert.Empty(t, stdout, flag)
	}
}

// TestVersionIsTheClientVersion: the CLI reports the version the client
// sends in its User-Agent; both read it from the build information.
func TestVersionIsTheClientVersion(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "version")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "ssocontract "+sso.Version()+" ("), "CLI %q, client %q", stdout, sso.Version())
}

// TestHelpListsExitCodes: every subcommand's --help states its exit
// statuses, and each states its own: coverage does not fail on violations.
func TestHelpListsExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args      []string
		want, not []string
	}{
		{[]string{"--help"}, []string{"0  success", "1  violations", "2  bad usage", "3  nothing checked"}, nil},
		{[]string{"validate", "-h"}, []string{"0  pairs were checked and conform", "1  violations", "2  bad usage", "3  nothing checked"}, []string{"coverage", "breaking"}},
		{[]string{"coverage", "-h"}, []string{"0  report written", "1  a total below --min", "2  bad usage", "3  nothing checked"}, []string{"violation", "breaking"}},
		{[]string{"diff", "-h"}, []string{"Exit status: 0", "1 breaking change", "2 bad usage"}, nil},
		{[]string{"sync", "-h"}, []string{"Exit status: 0", "2 bad usage", "3 no exchange"}, nil},
		{[]string{"serve", "-h"}, []string{"Exit status: 0", "1 could not serve", "2 bad usage"}, nil},
		{[]string{"version", "-h"}, []string{"Exit status: 0", "2 for any argument"}, nil},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		assert.Equal(t, 0, code, tt.args)
		for _, s := range tt.want {
			assert.Contains(t, stderr, s, tt.args)
		}
		for _, s := range tt.not {
			assert.NotContains(t, stderr[strings.Index(stderr, "Exit status"):], s, tt.args)
		}
	}
}

// TestHelpUsageLineNamesEveryFlag: the usage lines at the top of each
// subcommand's --help name every flag the command accepts, so a flag cannot
// be added without showing in the synopsis.
func TestHelpUsageLineNamesEveryFlag(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"validate", "coverage", "diff", "sync", "serve"} {
		code, _, stderr := runCLI(t, name, "-h")
		require.Equal(t, 0, code, name)
		lines := strings.Split(stderr, "\n")
		// The synopsis: the usage line and the indented lines that continue it.
		head := []string{lines[0]}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, " ") {
				break
			}
			head = append(head, l)
		}
		var flags []string
		for _, l := range lines {
			if strings.HasPrefix(l, "  -") {
				flags = append(flags, strings.Fields(l)[0][1:])
			}
		}
		require.NotEmpty(t, flags, "%s -h lists no flags", name)
		synopsis := strings.Join(head, "\n")
		for _, f := range flags {
			assert.Contains(t, synopsis, "--"+f, "%s -h: the usage line does not name --%s", name, f)
		}
	}
}

func TestParseInterleaved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		positional []string
		strict     bool
		format     string
	}{
		{[]string{"a.har", "--strict"}, []string{"a.har"}, true, "text"},
		{[]string{"a.har", "--format", "json", "b.har"}, []string{"a.har", "b.har"}, false, "json"},
		{[]string{"--strict", "a.har", "-", "--format=junit"}, []string{"a.har", "-"}, true, "junit"},
		{[]string{"a.har", "--", "--strict", "-x"}, []string{"a.har", "--strict", "-x"}, false, "text"},
		{[]string{"--", "a.har"}, []string{"a.har"}, false, "text"},
		{nil, nil, false, "text"},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		strict := fs.Bool("strict", false, "")
		format := fs.String("format", "text", "")
		got, err := parseInterleaved(fs, tt.args)
		require.NoError(t, err, tt.args)
		assert.Equal(t, tt.positional, got, tt.args)
		assert.Equal(t, tt.strict, *strict, tt.args)
		assert.Equal(t, tt.format, *format, tt.args)
	}
}

func TestFlagsAfterPaths(t *testing.T) {
	t.Parallel()
	// --strict after the path must apply: only strict mode sees the
	// undocumented field.
	code, stdout, _ := runCLI(t, "validate", testdata+"/cassettes/violations.yaml", "--strict")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "undocumented-field\t/connection/brand_new_field")

	code, stdout, _ = runCLI(t, "validate", testdata+"/har/valid.har", "--format", "json")
	assert.Equal(t, 0, code)
	assert.True(t, json.Valid([]byte(stdout)), stdout)

	// After --, a flag-like argument is a PATH.
	code, _, stderr := runCLI(t, "validate", testdata+"/har/valid.har", "--", "--strict")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--strict: no such file")

	code, stdout, _ = runCLI(t, "coverage", testdata+"/har/valid.har", "--format", "json")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"operation_id"`)

	old := filepath.Join("..", "..", "api", "openapi.yaml")
	code, stdout, _ = runCLI(t, "diff", old, old, "--format", "json")
	assert.Equal(t, 0, code)
	assert.True(t, json.Valid([]byte(stdout)), stdout)
}

func TestStdin(t *testing.T) {
	t.Parallel()
	for _, file := range []string{testdata + "/har/violations.har", testdata + "/cassettes/violations.yaml"} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		code, stdout, stderr := runWith(t, string(data), nil, "validate", "-")
		assert.Equal(t, 1, code, stderr)
		assert.Contains(t, stdout, "<stdin>#0\tPUT /v1/b2b/sso/saml/organization-test-00000000-0000-4000-8000-000000000001/connections/saml-connection-test-00000000-0000-4000-8000-000000000002\tUpdateSAMLConnection\tresponse\tmissing-required")
		assert.Contains(t, stdout, "3 pair(s) checked: 0 conform, 3 with 3 violation(s)")

		code, stdout, _ = runWith(t, string(data), nil, "coverage", "-", "--quiet")
		assert.Equal(t, 0, code)
		assert.Contains(t, stdout, "from 3 pair(s) matching an operation")
	}
	code, _, stderr := runWith(t, "", nil, "validate", "-", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "given 2 times")

	code, _, stderr = runWith(t, "{not json", nil, "validate", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "<stdin>")

	// github: an annotation for standard input names no file, but the line.
	data, err := os.ReadFile("testdata/violations.har")
	require.NoError(t, err)
	_, stdout, _ := runWith(t, string(data), nil, "validate", "--format", "github", "-")
	assert.Contains(t, stdout, "::error title=ssocontract%3A UpdateSAMLConnection response missing-required::entry 0 (line 10): PUT /v1/b2b/sso/saml/organization-test-00000000-0000-4000-8000-000000000001/connections/saml-connection-test-00000000-0000-4000-8000-000000000002: /connection/acs_url")
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "validate", "--quiet", testdata+"/har/violations.har")
	assert.Equal(t, 1, code)
	assert.Equal(t, "3 pair(s) checked: 0 conform, 3 with 3 violation(s); 0 skipped; 0 body(ies) not captured; 3 pair(s) from 1 file(s)\n", stdout)

	code, stdout, _ = runCLI(t, "coverage", "--quiet", testdata)
	assert.Equal(t, 0, code)
	assert.Equal(t, 1, strings.Count(stdout, "\n"), stdout)
	assert.True(t, strings.HasPrefix(stdout, "coverage: statuses "), stdout)

	code, _, stderr := runCLI(t, "validate", "--quiet", "--format", "json", testdata)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--quiet goes with --format text")
}

func TestNothingChecked(t *testing.T) {
	t.Parallel()
	emptyDir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"empty HAR", "testdata/empty.har"},
		{"empty directory", emptyDir},
		{"only unrelated traffic", "testdata/unrelated-only.har"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, "validate", "--strict", tt.path)
			assert.Equal(t, 3, code, stdout+stderr)
			assert.Contains(t, stderr, "nothing checked: none of the")
			assert.Contains(t, stdout, "; nothing checked")

			code, _, _ = runCLI(t, "validate", "--strict", tt.path, "--allow-empty")
			assert.Equal(t, 0, code)

			code, stdout, _ = runCLI(t, "validate", "--format", "json", tt.path)
			assert.Equal(t, 3, code)
			assert.Contains(t, stdout, `"nothing_checked": true`)

			code, stdout, _ = runCLI(t, "validate", "--format", "junit", tt.path)
			assert.Equal(t, 3, code)
			var doc junitSuites
			require.NoError(t, xml.Unmarshal([]byte(stdout), &doc))
			assert.Equal(t, 1, doc.Failures, "JUnit must not be green when nothing was checked")

			code, _, stderr = runCLI(t, "coverage", tt.path)
			assert.Equal(t, 3, code)
			assert.Contains(t, stderr, "nothing checked")
			code, _, _ = runCLI(t, "coverage", "--allow-empty", tt.path)
			assert.Equal(t, 0, code)
		})
	}
}

func TestSkippedPairsCounted(t *testing.T) {
	t.Parallel()
	// A browser capture: the two calls among assets, a preflight, other
	// Stytch endpoints and another host. Strict mode passes and every pair
	// is accounted for.
	code, stdout, stderr := runCLI(t, "validate", "--strict", "testdata/chrome-mixed.har")
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, "3 pair(s) checked: 3 conform, 0 with violations; 6 skipped (2 path outside the API, 2 static asset, 1 CORS preflight, 1 other host); 0 body(ies) not captured; 9 pair(s) from 1 file(s)\n", stdout)

	code, stdout, _ = runCLI(t, "validate", "--strict", "--format", "json", "testdata/chrome-mixed.har")
	assert.Equal(t, 0, code)
	golden(t, "chrome-mixed.json", stdout)

	code, stdout, _ = runCLI(t, "validate", "--strict", "--format", "junit", "testdata/chrome-mixed.har")
	assert.Equal(t, 0, code)
	var doc junitSuites
	require.NoError(t, xml.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, 9, doc.Tests)
	assert.Equal(t, 6, doc.Skipped)
	require.Len(t, doc.Suites, 1)
	skipped := 0
	for _, c := range doc.Suites[0].Cases {
		if c.Skipped != nil {
			skipped++
			assert.Nil(t, c.Failure)
			assert.Contains(t, c.Name, "skipped", "a skipped pair is never a passing test case")
		}
	}
	assert.Equal(t, 6, skipped)
	golden(t, "chrome-mixed.junit.xml", stdout)

	// A method the spec does not declare on one of its paths: skipped
	// normally, an unknown operation in strict mode.
	code, stdout, _ = runCLI(t, "validate", "testdata/undeclared-method.har")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "1 skipped (1 operation not in the spec)")
	code, stdout, _ = runCLI(t, "validate", "--strict", "testdata/undeclared-method.har")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "unknown-operation")
}

func TestMissingPathDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "gone.har")
	good := testdata + "/har/violations.har"

	code, stdout, stderr := runCLI(t, "validate", missing, good)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "gone.har")
	assert.Contains(t, stdout, "violations.har#0\t", "the PATH after the missing one is still validated")
	assert.Contains(t, stdout, "3 pair(s) checked: 0 conform, 3 with 3 violation(s)")
	assert.Contains(t, stdout, "from 2 file(s); 1 unreadable")

	code, stdout, _ = runCLI(t, "validate", "--format", "json", missing, good)
	assert.Equal(t, 2, code)
	var got struct {
		Summary validateSummary `json:"summary"`
		Errors  []fileError     `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	require.Len(t, got.Errors, 1)
	assert.Equal(t, missing, got.Errors[0].File)
	assert.Equal(t, 3, got.Summary.CheckedPairs)

	code, stdout, _ = runCLI(t, "validate", "--format", "junit", missing, good)
	assert.Equal(t, 2, code)
	var doc junitSuites
	require.NoError(t, xml.Unmarshal([]byte(stdout), &doc))
	require.Len(t, doc.Suites, 2)
	assert.Equal(t, missing, doc.Suites[0].Name)
	assert.Equal(t, 1, doc.Errors)
	assert.Equal(t, 3, doc.Failures)

	code, stdout, stderr = runCLI(t, "coverage", missing, good)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "gone.har")
	assert.Contains(t, stdout, "UpdateSAMLConnection", "the other PATH is still covered")
}

func TestMissingBodies(t *testing.T) {
	t.Parallel()
	// A Chrome export that did not keep the first response's body:
	// content.size > 0 and no content.text.
	runOpts := func(fail bool, format string) (int, string) {
		args := []string{"validate", "--format", format, "testdata/chrome-missing-body.har"}
		if fail {
			args = append(args, "--fail-on-missing-body")
		}
		code, stdout, _ := runCLI(t, args...)
		return code, stdout
	}
	code, stdout := runOpts(false, "text")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "; 1 body(ies) not captured;")

	code, stdout = runOpts(true, "text")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "chrome-missing-body.har#0\tPUT /v1/b2b/sso/saml/organization-test-00000000-0000-4000-8000-000000000001/connections/saml-connection-test-00000000-0000-4000-8000-000000000002\tUpdateSAMLConnection\tresponse\tbody-not-captured\tbody\t")

	code, stdout = runOpts(true, "json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, `"response_bodies_not_captured": 1`)
	assert.Contains(t, stdout, `"side": "response"`)

	code, stdout = runOpts(true, "junit")
	assert.Equal(t, 1, code)
	var doc junitSuites
	require.NoError(t, xml.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, 1, doc.Failures)

	code, stdout = runOpts(false, "github")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "::warning file=")
}

func TestGitHubFormat(t *testing.T) {
	t.Parallel()
	args := []string{"validate", "--format", "github", "--strict", "testdata/violations.har", "testdata/violations.yaml", "testdata/chrome-mixed.har", "testdata/absent.har"}

	// Without GITHUB_STEP_SUMMARY: annotations only, and no summary anywhere.
	code, stdout, _ := runWith(t, "", nil, args...)
	assert.Equal(t, 2, code)
	golden(t, "github.annotations.txt", stdout)
	assert.NotContains(t, stdout, "## ssocontract")

	// With it: the same annotations, and the Markdown appended to the file.
	summary := filepath.Join(t.TempDir(), "step-summary.md")
	require.NoError(t, os.WriteFile(summary, []byte("earlier step\n"), 0o600))
	code, stdout2, _ := runWith(t, "", map[string]string{"GITHUB_STEP_SUMMARY": summary}, args...)
	assert.Equal(t, 2, code)
	assert.Equal(t, stdout, stdout2)
	md, err := os.ReadFile(summary)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(md), "earlier step\n"), "appended, not overwritten")
	golden(t, "github.summary.md", strings.TrimPrefix(string(md), "earlier step\n"))

	// Other formats never write the job summary.
	other := filepath.Join(t.TempDir(), "other.md")
	runWith(t, "", map[string]string{"GITHUB_STEP_SUMMARY": other}, "validate", "testdata/violations.har")
	assert.NoFileExists(t, other)

	// A job summary that cannot be written is an error, not a silent loss.
	code, _, stderr := runWith(t, "", map[string]string{"GITHUB_STEP_SUMMARY": t.TempDir()}, "validate", "--format", "github", "testdata/violations.har")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "GITHUB_STEP_SUMMARY")

	// Nothing checked is an annotation too.
	code, stdout, _ = runWith(t, "", nil, "validate", "--format", "github", "testdata/empty.har")
	assert.Equal(t, 3, code)
	assert.Contains(t, stdout, "::error title=ssocontract%3A nothing checked::nothing checked")
}

func TestGitHubEscaping(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	annotation{level: "error", file: "a,b:c%.har", line: 7, title: "t: x, y", message: "50% done\r\nforged::error ::x"}.write(&b)
	assert.Equal(t, "::error file=a%2Cb%3Ac%25.har,line=7,title=t%3A x%2C y::50%25 done%0D%0Aforged::error ::x\n", b.String())
	assert.Equal(t, 1, strings.Count(b.String(), "\n"), "a message cannot start a new command")
	assert.Equal(t, `a\|b &lt;i&gt; c`, mdCell("a|b <i>\nc"))
}

func TestCoverageMin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		want     int
		inStderr string
	}{
		{"below", []string{"coverage", testdata, "--min", "50"}, 1, "below the floor: statuses 28.6% < 50%"},
		{"above", []string{"coverage", testdata, "--min", "20"}, 0, ""},
		{"per total, below", []string{"coverage", testdata, "--min", "request=90"}, 1, "request fields 66.7% < 90%"},
		{"per total, others unchecked", []string{"coverage", testdata, "--min", "statuses=20,response=40"}, 0, ""},
		{"bad value", []string{"coverage", testdata, "--min", "lots"}, 2, "not a percentage"},
		{"bad name", []string{"coverage", testdata, "--min", "fields=3"}, 2, "want statuses, request or response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, tt.want, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			if tt.inStderr != "" {
				assert.Contains(t, stderr, tt.inStderr)
			} else {
				assert.NotContains(t, stderr, "below the floor")
			}
		})
	}
}

func TestCoverageMarkdown(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "coverage", "--format", "markdown", "testdata/violations.har", "testdata/chrome-mixed.har")
	assert.Equal(t, 0, code)
	golden(t, "coverage.md", stdout)
}

// TestMakeContractLiveNeedsCredentials: without the STYTCH_* variables the
// nightly target fails, naming what is missing and never a value.
func TestMakeContractLiveNeedsCredentials(t *testing.T) {
	t.Parallel()
	makePath, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command(makePath, "-C", filepath.Join("..", ".."), "--no-print-directory", "contract-live")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"STYTCH_PROJECT_ID=project-test-CANARY-1", "STYTCH_SECRET=secret-test-CANARY-2"}
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "contract-live must fail without credentials:\n%s", out)
	assert.Contains(t, string(out), "missing credentials: STYTCH_ORGANIZATION_ID STYTCH_SAML_CONNECTION_ID STYTCH_EXTERNAL_CONNECTION_ID")
	assert.NotContains(t, string(out), "CANARY")
}

func TestGitHubOutputNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	summary := filepath.Join(t.TempDir(), "summary.md")
	code, stdout, stderr := runWith(t, "", map[string]string{"GITHUB_STEP_SUMMARY": summary}, "validate", "--strict", "--format", "github", testdata)
	assert.Equal(t, 1, code)
	md, err := os.ReadFile(summary)
	require.NoError(t, err)
	for _, canary := range []string{"FAKE-TEST-ONLY", "secret-test-", "Basic cHJv", "UkVEQUNURUQ"} {
		assert.NotContains(t, stdout+stderr+string(md), canary)
	}
}

// --scope widens what is API traffic: with --strict, the other Stytch
// endpoints of an admin page's capture become calls the spec lacks.
func TestScopeFlag(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "--strict", "testdata/chrome-mixed.har")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)

	code, stdout, _ = runCLI(t, "validate", "--strict", "testdata/chrome-mixed.har", "--scope", "/v1/b2b/")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "unknown-operation")
	assert.Contains(t, stdout, "/v1/b2b/organizations/organization-test-00000000-0000-4000-8000-000000000001/members/search")

	code, _, stderr = runCLI(t, "validate", "--scope", "https://x/", "testdata/chrome-mixed.har")
	assert.Equal(t, 2, code, "a URL is not a scope entry")
	assert.Contains(t, stderr, "https://x/")
}

// Stytch's published spec, as it is (a duplicated operationId included),
// loads with a warning and validates a conforming capture. On an admin
// page's capture it checks more than ours does (it describes organization
// get) and finds what it does not declare (a 404).
func TestSpecFlagTakesStytchsPublishedSpec(t *testing.T) {
	t.Parallel()
	const stytchSpec = "../../pkg/contract/testdata/stytch-openapi-full.yml"
	code, stdout, stderr := runCLI(t, "validate", "--spec", stytchSpec, "../../contracttests/testdata/cassettes/saml/full_update.yaml", "../../contracttests/testdata/cassettes/external/full_update.yaml")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stderr, "warning: spec")
	assert.Contains(t, stderr, "api_magic_v1_Authenticate")

	code, stdout, _ = runCLI(t, "validate", "--spec", stytchSpec, "testdata/chrome-mixed.har")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "api_organization_v1_Get")
	assert.Contains(t, stdout, "status 404 is not one the operation declares")
}

// A crafted capture cannot forge report lines: a method carrying a newline
// and a fake summary is printed escaped, on the violation's own line.
func TestCraftedMethodCannotForgeReportLines(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/undeclared-method.har")
	require.NoError(t, err)
	forged := strings.Replace(string(data), `"method": "GET"`, `"method": "GET\n9 pair(s) checked: 9 conform, 0 with violations\u001b[2K"`, 1)
	require.NotEqual(t, string(data), forged, "the fixture has a GET to forge")
	path := filepath.Join(t.TempDir(), "forged.har")
	require.NoError(t, os.WriteFile(path, []byte(forged), 0o644))
	code, stdout, stderr := runCLI(t, "validate", "--strict", path)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	for _, line := range strings.Split(stdout, "\n") {
		assert.False(t, strings.HasPrefix(line, "9 pair(s) checked"), "forged line %q", line)
		assert.NotContains(t, line, "\x1b", "an escape sequence reached the output")
	}
	assert.Contains(t, stdout, `GET\n9 PAIR(S) CHECKED: 9 CONFORM, 0 WITH VIOLATIONS\x1b[2K`, "the method, upper-cased and escaped")
}

// A capture that kept neither body of a pair leaves only its status and
// headers to look at: that pair is skipped, so an export that dropped every
// body cannot pass as checked.
func TestNeitherBodyCapturedIsNotChecked(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "--strict", "testdata/no-bodies.har")
	assert.Equal(t, 3, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "1 skipped (1 neither body captured)")
	assert.Contains(t, stderr, "nothing checked")

	code, stdout, _ = runCLI(t, "validate", "testdata/chrome-missing-body.har")
	assert.Equal(t, 0, code, "one body missing: the rest of the pair is still checked")
	assert.Contains(t, stdout, "2 pair(s) checked: 2 conform, 0 with violations")
}

// urlSpellingHAR returns valid.har with one drift (an undocumented request
// field) in its first entry, whose URL is respelled by respell.
func urlSpellingHAR(t *testing.T, respell func(url string) string) string {
	t.Helper()
	data, err := os.ReadFile(testdata + "/har/valid.har")
	require.NoError(t, err)
	const url = "https://test.stytch.com/v1/b2b/sso/saml/organization-test-00000000-0000-4000-8000-000000000001/connections/saml-connection-test-00000000-0000-4000-8000-000000000002"
	const body = `"text": "{\"display_name\": \"Acme Okta\"`
	s := string(data)
	require.Contains(t, s, url)
	require.Contains(t, s, body)
	s = strings.Replace(s, url, respell(url), 1)
	s = strings.Replace(s, body, `"text": "{\"brand_new_field\": 1, \"display_name\": \"Acme Okta\"`, 1)
	path := filepath.Join(t.TempDir(), "respelled.har")
	require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
	return path
}

// A pair whose path is an RFC 3986 equivalent of the spec's is validated:
// its only violation fails --strict instead of passing as "outside the API".
func TestPercentEncodedPathIsValidated(t *testing.T) {
	t.Parallel()
	for name, respell := range map[string]func(string) string{
		"%73aml": func(u string) string { return strings.Replace(u, "/sso/saml/", "/sso/%73aml/", 1) },
		"%76%31": func(u string) string { return strings.Replace(u, "/v1/", "/%76%31/", 1) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, "validate", "--strict", urlSpellingHAR(t, respell))
			assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, "UpdateSAMLConnection\trequest\tundocumented-field\t/brand_new_field")
			assert.Contains(t, stdout, "3 pair(s) checked: 2 conform, 1 with 1 violation(s); 0 skipped")
		})
	}
}

// A character a URI cannot hold as is, written raw in a capture's URL,
// counts as its escape: beside a %2F it does not turn the %2F into a "/",
// so the pair is validated, not skipped as outside the API.
func TestRawCharacterBesideEncodedSlashIsValidated(t *testing.T) {
	t.Parallel()
	for name, org := range map[string]string{"raw é": "org%2Fé", "escaped é": "org%2F%C3%A9"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := urlSpellingHAR(t, func(u string) string {
				return strings.Replace(u, "/organization-test-00000000-0000-4000-8000-000000000001/", "/"+org+"/", 1)
			})
			code, stdout, stderr := runCLI(t, "validate", "--strict", path)
			assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, "/v1/b2b/sso/saml/org%2F%C3%A9/connections/")
			assert.Contains(t, stdout, "UpdateSAMLConnection\trequest\tundocumented-field\t/brand_new_field")
			assert.Contains(t, stdout, "3 pair(s) checked: 2 conform, 1 with")
			assert.Contains(t, stdout, "; 0 skipped;")
		})
	}
}

// A near miss of the spec's path (a trailing slash, an empty or a dot
// segment) is an unknown operation naming the template in strict mode, and
// skipped under its own reason otherwise.
func TestNearMissPath(t *testing.T) {
	t.Parallel()
	for name, respell := range map[string]func(string) string{
		"trailing /": func(u string) string { return u + "/" },
		"//v1":       func(u string) string { return strings.Replace(u, "/v1/", "//v1/", 1) },
		"/./":        func(u string) string { return strings.Replace(u, "/v1/", "/v1/./", 1) },
		"..":         func(u string) string { return strings.Replace(u, "/sso/saml/", "/sso/saml/../saml/", 1) },
		"sso%2Fsaml": func(u string) string { return strings.Replace(u, "/sso/saml/", "/sso%2Fsaml/", 1) },
		"saml;x=1":   func(u string) string { return strings.Replace(u, "/sso/saml/", "/sso/saml;x=1/", 1) },
		"%2E%2E for a parameter": func(u string) string {
			return strings.Replace(u, "/organization-test-00000000-0000-4000-8000-000000000001/", "/%2E%2E/", 1)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := urlSpellingHAR(t, respell)
			code, stdout, stderr := runCLI(t, "validate", "--strict", path)
			assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, "unknown-operation")
			assert.Contains(t, stdout, "/v1/b2b/sso/saml/{organization_id}/connections/{connection_id}")
			assert.NotContains(t, stdout, "brand_new_field", "the near miss is not validated as the operation")

			code, stdout, stderr = runCLI(t, "validate", path)
			assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, "2 pair(s) checked: 2 conform, 0 with violations; 1 skipped (1 near miss of an API path")
		})
	}
}

// The JSON summary counts every reason a pair can be skipped for, zero or
// not, so that a consumer reading one reason's count never finds it absent.
func TestValidateJSONCountsEverySkipReason(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "--format", "json", testdata+"/har/valid.har")
	require.Equal(t, 0, code, "stderr:\n%s", stderr)
	var got struct {
		Summary struct {
			Skipped map[string]int `json:"skipped"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	for _, r := range []contract.Reason{contract.ReasonUndeclaredOperation, contract.ReasonNearMissPath, contract.ReasonNoBodyCaptured,
		contract.ReasonPreflight, contract.ReasonStaticAsset, contract.ReasonOtherHost, contract.ReasonOutsideAPI, contract.ReasonBadURL} {
		require.False(t, r.Checked())
		n, ok := got.Summary.Skipped[string(r)]
		assert.True(t, ok, "summary.skipped has no %q", r)
		assert.Zero(t, n, "%s", r)
	}
}
