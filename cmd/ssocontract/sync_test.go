package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// syncFiles copies our spec and the accepted list into a temporary
// directory and returns their paths there.
func syncFiles(t *testing.T) (spec, accepted string) {
	t.Helper()
	dir := t.TempDir()
	spec, accepted = filepath.Join(dir, "openapi.yaml"), filepath.Join(dir, "upstream-accepted.json")
	require.NoError(t, os.WriteFile(spec, api.YAML(), 0o644))
	data, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "api", "upstream-accepted.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(accepted, data, 0o644))
	return spec, accepted
}

// fakeUpstream writes Stytch's published document with each old string
// replaced once by the new one, cut down to our two operations and the
// schemas they reach (testutil.StytchUpstreamOurs: it parses quickly), and
// returns its path.
func fakeUpstream(t *testing.T, pairs ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "openapi.yml")
	require.NoError(t, os.WriteFile(p, testutil.StytchUpstreamOurs(t, pairs...), 0o644))
	return p
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

const (
	upstreamConnection = testutil.UpstreamSAMLConnection
	upstreamStatus     = testutil.UpstreamSAMLStatusField
	upstreamSAML400    = testutil.UpstreamSAML400
	upstreamNewField   = "        sp_metadata_url:\n          type: string\n          format: uri\n          description: The URL of the service provider metadata.\n"
)

// TestSyncUpstreamCommand: without --write the command prints the change
// as a unified diff and leaves the file alone; with --write the file gets
// exactly that change; a second run finds nothing (exit 0).
func TestSyncUpstreamCommand(t *testing.T) {
	t.Parallel()
	spec, accepted := syncFiles(t)
	up := fakeUpstream(t, upstreamConnection, upstreamConnection+upstreamNewField)
	args := []string{"sync", "--upstream", up, "--spec", spec, "--accept", accepted}

	code, stdout, stderr := runCLI(t, args...)
	require.Equal(t, exitFail, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "--- "+spec+"\n+++ "+spec+"\n@@ -546,6 +546,10 @@\n")
	assert.Contains(t, stdout, "+        sp_metadata_url:\n+          type: string\n+          format: uri\n+          description: The URL of the service provider metadata.\n")
	assert.Contains(t, stdout, "1 to add (run with --write to apply):\n  PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id} response 200 /connection/sp_metadata_url: property copied from upstream\n")
	assert.Contains(t, stdout, "make contract's coverage floor counts every declared status", "sync says what an addition implies")
	assert.Equal(t, string(api.YAML()), readString(t, spec), "without --write the spec is untouched")

	code, stdout, _ = runCLI(t, append(args, "--write")...)
	assert.Equal(t, exitFail, code, "after --write the exit status still says something was found")
	assert.Contains(t, stdout, "1 added:")
	assert.Contains(t, stdout, "written, now run make generate")
	written := readString(t, spec)
	assert.Equal(t, strings.Replace(string(api.YAML()),
		"        attribute_mapping:\n          $ref: '#/components/schemas/AttributeMapping'\n      example:\n        organization_id: organization-test-07971b06",
		"        attribute_mapping:\n          $ref: '#/components/schemas/AttributeMapping'\n"+upstreamNewField+"      example:\n        organization_id: organization-test-07971b06", 1), written)

	code, stdout, _ = runCLI(t, args...)
	assert.Equal(t, exitOK, code, stdout)
	assert.Equal(t, spec+": 0 addition(s), 0 decision(s): nothing to do\n", stdout)
	assert.Equal(t, written, readString(t, spec))
}

// TestSyncUpstreamDecisionsOnly: a type changed upstream is listed with
// both sides and never written, with or without --write.
func TestSyncUpstreamDecisionsOnly(t *testing.T) {
	t.Parallel()
	spec, accepted := syncFiles(t)
	// The whole document, as published (a duplicated operationId and all).
	up := filepath.Join(t.TempDir(), "openapi.yml")
	require.NoError(t, os.WriteFile(up, testutil.StytchUpstream(t, upstreamStatus, strings.Replace(upstreamStatus, "type: string", "type: integer", 1)), 0o644))
	code, stdout, _ := runCLI(t, "sync", "--upstream", up, "--spec", spec, "--accept", accepted, "--write")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stdout, "1 need(s) a decision (not applied):\n  PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id} response 200 /connection/status: type ours=string upstream=integer\n")
	assert.NotContains(t, stdout, "---")
	assert.Equal(t, string(api.YAML()), readString(t, spec))
}

// TestSyncUpstreamAcceptsOurConventions: a new error status gets our
// ErrorResponse body, a difference from Stytch's bare 409 that --write
// records in the accepted list, so that the next run and the drift watch
// are quiet; the rest of the list is rewritten byte for byte.
func TestSyncUpstreamAcceptsOurConventions(t *testing.T) {
	t.Parallel()
	spec, accepted := syncFiles(t)
	before := readString(t, accepted)
	up := fakeUpstream(t, upstreamSAML400, upstreamSAML400+"        '409':\n          description: Conflict\n")
	args := []string{"sync", "--upstream", up, "--spec", spec, "--accept", accepted, "--format", "json"}

	code, stdout, _ := runCLI(t, append(args, "--write")...)
	require.Equal(t, exitFail, code, stdout)
	var out struct {
		Written   bool `json:"written"`
		Additions []struct {
			Where string `json:"where"`
		} `json:"additions"`
		Accept []struct {
			Where, Aspect, Ours, Upstream string
		} `json:"accept"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.True(t, out.Written)
	require.Len(t, out.Additions, 1)
	assert.Equal(t, "response 409", out.Additions[0].Where)
	require.Len(t, out.Accept, 1)
	assert.Equal(t, "content-type", out.Accept[0].Aspect)

	after := readString(t, accepted)
	entry := "    {\n      \"operation\": \"PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id}\",\n      \"where\": \"response 409\",\n      \"aspect\": \"content-type\",\n      \"ours\": \"application/json\",\n      \"upstream\": \"absent\"\n    },\n"
	assert.Equal(t, before, strings.Replace(after, entry, "", 1), "the accepted list gains one entry, in order, and nothing else changes")

	code, stdout, _ = runCLI(t, args...)
	assert.Equal(t, exitOK, code, stdout)
}

// TestSyncUpstreamWithoutAcceptedList: with --accept "" a difference our
// conventions would keep has no list to go to: it is a decision, and the
// addition is still written.
func TestSyncUpstreamWithoutAcceptedList(t *testing.T) {
	t.Parallel()
	spec, _ := syncFiles(t)
	up := fakeUpstream(t, upstreamSAML400, upstreamSAML400+"        '409':\n          description: Conflict\n")
	code, stdout, stderr := runCLI(t, "sync", "--upstream", up, "--spec", spec, "--accept", "", "--write")
	require.Equal(t, exitFail, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "response 409: response copied from upstream (our ErrorResponse body)")
	assert.Contains(t, stdout, "response 409: content-type ours=application/json upstream=absent")
	assert.Contains(t, stdout, "no accepted list (--accept \"\")")
	assert.Contains(t, readString(t, spec), "        '409':\n          $ref: '#/components/responses/Conflict'\n")
}

// TestAppendAcceptedKeepsTheFile: rewriting the committed accepted list
// with nothing added gives it back byte for byte, so an addition shows in
// review as exactly its own lines.
func TestAppendAcceptedKeepsTheFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "api", "upstream-accepted.json"))
	require.NoError(t, err)
	out, err := appendAccepted(data, nil)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(out))
}

// TestSyncFromTraffic: a capture with an undocumented nested object, a
// date-time string, a field null in one response and a URL in another, a
// new identity_provider value and an undeclared 409 is written into the
// spec; then `validate --strict` passes on that capture, still fails on a
// different drift, and a second sync finds nothing. No value of the
// capture reaches the spec.
func TestSyncFromTraffic(t *testing.T) {
	t.Parallel()
	spec, _ := syncFiles(t)
	capture := filepath.Join("testdata", "traffic-learn.har")
	other := filepath.Join("testdata", "traffic-other-drift.har")

	code, _, _ := runCLI(t, "validate", "--strict", "--spec", spec, capture)
	require.Equal(t, exitFail, code, "the capture drifts from the spec before the sync")

	code, stdout, stderr := runCLI(t, "sync", "--from-traffic", "--spec", spec, "--write", capture)
	require.Equal(t, exitFail, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	for _, want := range []string{
		"response 200 /connection/idp_metadata_url: property learned from traffic",
		"response 200 /connection/last_synced_at: property learned from traffic",
		"response 200 /connection/sso_policy: property learned from traffic",
		"request body /identity_provider: enum value learned from traffic: authentik",
		"response 409: status learned from traffic (our ErrorResponse body)",
	} {
		assert.Contains(t, stdout, want)
	}
	written := readString(t, spec)
	for _, want := range []string{
		"        idp_metadata_url:\n          type: string\n          format: uri\n          nullable: true\n          description: Learned from traffic (2 value(s) seen); not documented by Stytch.\n",
		"        last_synced_at:\n          type: string\n          format: date-time\n",
		"        sso_policy:\n          type: object\n          description: Learned from traffic (2 value(s) seen); not documented by Stytch.\n          properties:\n            allowed_domains:\n              type: array\n              items:\n                type: string\n            enforced:\n              type: boolean\n            updated_at:\n              type: string\n              format: date-time\n",
		"        - shibboleth\n        - authentik\n",
		"        '409':\n          $ref: '#/components/responses/Conflict'\n",
	} {
		assert.True(t, strings.Contains(written, want), "the spec holds %q", want)
	}
	for _, value := range []string{"idp.acme.example/metadata", "2026-02-01", "connection_update_conflict", "request-id-test-00000000-0000-4000-8000-000000000201"} {
		assert.False(t, strings.Contains(written, value), "the value %q from the capture was copied into the spec", value)
	}

	code, stdout, _ = runCLI(t, "validate", "--strict", "--spec", spec, capture)
	assert.Equal(t, exitOK, code, "validate --strict passes on the capture after the sync:\n%s", stdout)
	code, stdout, _ = runCLI(t, "validate", "--strict", "--spec", spec, other)
	assert.Equal(t, exitFail, code, "a different drift still fails")
	assert.Contains(t, stdout, "/connection/brand_new_flag")

	code, stdout, _ = runCLI(t, "sync", "--from-traffic", "--spec", spec, capture)
	assert.Equal(t, exitOK, code, stdout)
	assert.Equal(t, written, readString(t, spec))
}

// TestSyncBadInput: usage errors and unreadable inputs exit 2 and say what
// is wrong; a capture without our operations exits 3.
func TestSyncBadInput(t *testing.T) {
	t.Parallel()
	spec, accepted := syncFiles(t)
	up := fakeUpstream(t)
	missing := filepath.Join(t.TempDir(), "missing.json")
	runCLICases(t, []cliCase{
		{name: "no mode", args: []string{"sync", "--spec", spec}, want: exitUsage, inStderr: []string{"give --upstream FILE or --from-traffic CAPTURE..."}},
		{name: "both modes", args: []string{"sync", "--upstream", up, "--from-traffic", "--spec", spec, "x.har"}, want: exitUsage, inStderr: []string{"one of them"}},
		{name: "upstream with a capture", args: []string{"sync", "--upstream", up, "--spec", spec, "x.har"}, want: exitUsage, inStderr: []string{"--upstream takes no other argument"}},
		{name: "traffic without capture", args: []string{"sync", "--from-traffic", "--spec", spec}, want: exitUsage, inStderr: []string{"no CAPTURE given"}},
		{name: "accept with traffic", args: []string{"sync", "--from-traffic", "--spec", spec, "--accept", accepted, "x.har"}, want: exitUsage, inStderr: []string{"--accept goes with --upstream"}},
		{name: "missing upstream", args: []string{"sync", "--upstream", missing, "--spec", spec, "--accept", accepted}, want: exitUsage, inStderr: []string{"missing.json"}},
		{name: "missing accepted list", args: []string{"sync", "--upstream", up, "--spec", spec, "--accept", missing}, want: exitUsage, inStderr: []string{"missing.json", `--accept ""`}},
		{name: "missing spec", args: []string{"sync", "--upstream", up, "--spec", missing}, want: exitUsage, inStderr: []string{"spec: open " + missing}},
		{name: "missing capture", args: []string{"sync", "--from-traffic", "--spec", spec, missing}, want: exitUsage, inStderr: []string{"missing.json"}},
		{name: "capture without our operations", args: []string{"sync", "--from-traffic", "--spec", spec, filepath.Join("testdata", "unrelated-only.har")}, want: exitNothing, inStderr: []string{"nothing learned"}},
	})
}
