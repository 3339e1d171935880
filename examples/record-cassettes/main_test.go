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
	p, err := provider.New(provider.Config{ProjectID: testutil.ProjectID, Secret: secret})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	seed := p.Seeded()
	vars := map[string]string{
		"STYTCH_BASE_URL": srv.URL, "STYTCH_PROJECT_ID": testutil.ProjectID, "STYTCH_SECRET": secret,
		"STYTCH_ORGANIZATION_ID": seed.OrganizationID, "STYTCH_SAML_CONNECTION_ID": seed.SAMLConnectionID,
		"STYTCH_EXTERNAL_CONNECTION_ID": seed.ExternalConnectionID,
	}
	ctx := testutil.HangGuard(t, "recording from the local provider")
	dir := t.TempDir()
	var out strings.Builder
	require.NoError(t, run(ctx, func(k string) string { return vars[k] }, dir, &out))
	assert.Equal(t, "recorded "+filepath.Join(dir, "saml", "snapshot.yaml")+"\nrecorded "+filepath.Join(dir, "external", "snapshot.yaml")+"\n", out.String())
	checkCassettes(t, dir, secret)
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
