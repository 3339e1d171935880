package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/provider"
)

// TestRecordFromStytch records from Stytch's test environment with the
// STYTCH_* variables of the environment; without them it skips, naming them.
func TestRecordFromStytch(t *testing.T) {
	if missing := missingVars(os.Getenv); missing != "" {
		t.Skipf("recording from Stytch skipped: set %s", missing)
	}
	ctx := testutil.HangGuard(t, "recording from Stytch")
	dir := t.TempDir()
	require.NoError(t, run(ctx, os.Getenv, dir, &strings.Builder{}))
	checkCassettes(t, dir, os.Getenv("STYTCH_SECRET"))
}

// TestRecordFromLocalProvider runs the example against the local provider
// in process and checks what it wrote: two cassettes that load, pass the
// spec in strict mode, and hold no secret.
func TestRecordFromLocalProvider(t *testing.T) {
	t.Parallel()
	const secret = "secret-test-record-example-canary"
	vars := localProvider(t, secret)()
	ctx := testutil.HangGuard(t, "recording from the local provider")
	dir := t.TempDir()
	var out strings.Builder
	require.NoError(t, run(ctx, func(k string) string { return vars[k] }, dir, &out))
	assert.Equal(t, "recorded "+filepath.Join(dir, "saml", "snapshot.yaml")+"\nrecorded "+filepath.Join(dir, "external", "snapshot.yaml")+"\n", out.String())
	checkCassettes(t, dir, secret)
}

// localProvider starts the local provider in process for the test and
// returns a function giving, each time in a new map, the STYTCH_* variables
// that point the example at it.
func localProvider(t *testing.T, secret string) func() map[string]string {
	t.Helper()
	p, err := provider.New(provider.Config{ProjectID: testutil.ProjectID, Secret: secret})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	seed := p.Seeded()
	return func() map[string]string {
		return map[string]string{
			"STYTCH_BASE_URL": srv.URL, "STYTCH_PROJECT_ID": testutil.ProjectID, "STYTCH_SECRET": secret,
			"STYTCH_ORGANIZATION_ID": seed.OrganizationID, "STYTCH_SAML_CONNECTION_ID": seed.SAMLConnectionID,
			"STYTCH_EXTERNAL_CONNECTION_ID": seed.ExternalConnectionID,
		}
	}
}

func checkCassettes(t *testing.T, dir, secret string) {
	t.Helper()
	pairs, err := capture.LoadPath(dir)
	require.NoError(t, err)
	require.Len(t, pairs, 2, "one pair per update")
	v, err := contract.New(contract.WithStrict(true))
	require.NoError(t, err)
	for _, p := range pairs {
		assert.Equal(t, 200, p.StatusCode, "%s", p.Where())
		assert.Empty(t, v.Validate(context.Background(), &p), "%s", p.Where())
	}
	for _, f := range []string{"saml/snapshot.yaml", "external/snapshot.yaml"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.NotContains(t, string(data), secret, "%s holds the secret", f)
	}
}

func TestRunNamesTheMissingVariables(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), func(k string) string {
		if k == "STYTCH_PROJECT_ID" {
			return testutil.ProjectID
		}
		return ""
	}, t.TempDir(), &strings.Builder{})
	require.ErrorIs(t, err, errMissing)
	assert.Contains(t, err.Error(), "set STYTCH_SECRET, STYTCH_ORGANIZATION_ID, STYTCH_SAML_CONNECTION_ID, STYTCH_EXTERNAL_CONNECTION_ID")
}

func TestRunRefusesALiveProject(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"STYTCH_PROJECT_ID": "project-live-00000000-0000-0000-0000-000000000000", "STYTCH_SECRET": "secret-live-x",
		"STYTCH_ORGANIZATION_ID": "o", "STYTCH_SAML_CONNECTION_ID": "s", "STYTCH_EXTERNAL_CONNECTION_ID": "e"}
	dir := t.TempDir()
	err := run(context.Background(), func(k string) string { return vars[k] }, dir, &strings.Builder{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "live project")
	assert.Empty(t, testutil.DirNames(t, dir), "nothing written")
}

// TestAFailedCallKeepsTheCassetteThere: a call that fails (a wrong secret:
// 401; a connection that does not exist: 404; nothing listening) leaves the
// cassette already in place byte for byte, and writes none where there was
// none: recording over a good snapshot with an error, or with nothing, is
// how a newcomer loses it.
func TestAFailedCallKeepsTheCassetteThere(t *testing.T) {
	t.Parallel()
	const secret = "secret-test-record-example-canary"
	good := localProvider(t, secret)
	ctx := testutil.HangGuard(t, "recording, then failing to record")
	dir := t.TempDir()
	vars := good()
	require.NoError(t, run(ctx, func(k string) string { return vars[k] }, dir, &strings.Builder{}))
	saml := filepath.Join(dir, "saml", "snapshot.yaml")
	before, err := os.ReadFile(saml)
	require.NoError(t, err)

	for name, change := range map[string]func(map[string]string){
		"wrong secret":       func(v map[string]string) { v["STYTCH_SECRET"] = "secret-test-wrong-wrong-wrong-wrong" },
		"unknown connection": func(v map[string]string) { v["STYTCH_SAML_CONNECTION_ID"] = "saml-connection-test-missing" },
		"nothing listening":  func(v map[string]string) { v["STYTCH_BASE_URL"] = "http://127.0.0.1:1" },
	} {
		vars := good()
		change(vars)
		var out strings.Builder
		err := run(ctx, func(k string) string { return vars[k] }, dir, &out)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), filepath.Join(dir, "saml", "snapshot.yaml")+" left as it was: the call failed", name)
		after, err := os.ReadFile(saml)
		require.NoError(t, err, name)
		assert.Equal(t, string(before), string(after), "%s: the good cassette is kept", name)
		assert.Equal(t, []string{"snapshot.yaml"}, testutil.DirNames(t, filepath.Join(dir, "saml")), "%s: no file left behind", name)
	}

	fresh := t.TempDir()
	vars = good()
	vars["STYTCH_BASE_URL"] = "http://127.0.0.1:1"
	require.Error(t, run(ctx, func(k string) string { return vars[k] }, fresh, &strings.Builder{}))
	assert.Empty(t, testutil.DirNames(t, filepath.Join(fresh, "saml")), "a failed call writes no cassette")
}
