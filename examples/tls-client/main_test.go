package main

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

const secret = "secret-test-tls-client-example"

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestRunAgainstServeTLS runs the example against `ssocontract serve --tls`
// in its own process, with the variables it prints, as the README says.
func TestRunAgainstServeTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the ssocontract binary")
	}
	root := testutil.ModuleRoot(t)
	bin := filepath.Join(t.TempDir(), "ssocontract")
	out, err := exec.Command("go", "build", "-o", bin, filepath.Join(root, "cmd", "ssocontract")).CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	ctx := testutil.HangGuard(t, "the example against ssocontract serve --tls")
	cmd := exec.CommandContext(ctx, bin, "serve", "--project-id", testutil.ProjectID, "--tls")
	cmd.Env = append(os.Environ(), "STYTCH_SECRET="+secret)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
	})
	vars := testutil.ReadServeVars(t, stdout)
	require.NotEmpty(t, vars["STYTCH_CA_CERT"], "serve --tls prints where its certificate is")
	vars["STYTCH_SECRET"] = secret

	var got strings.Builder
	require.NoError(t, run(ctx, env(vars), &got))
	assert.Equal(t, vars["STYTCH_SAML_CONNECTION_ID"]+` is now "Renamed over https" (status pending)`+"\n", got.String())
}

// TestRunInProcess runs the example against the provider behind an
// in-process TLS server whose certificate is written to a file, as serve
// does; and shows the error a client that does not trust it gets.
func TestRunInProcess(t *testing.T) {
	t.Parallel()
	p, err := provider.New(provider.Config{ProjectID: testutil.ProjectID, Secret: secret})
	require.NoError(t, err)
	srv := httptest.NewTLSServer(p)
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	seed := p.Seeded()
	vars := map[string]string{
		"STYTCH_BASE_URL": srv.URL, "STYTCH_CA_CERT": caFile, "STYTCH_PROJECT_ID": testutil.ProjectID, "STYTCH_SECRET": secret,
		"STYTCH_ORGANIZATION_ID": seed.OrganizationID, "STYTCH_SAML_CONNECTION_ID": seed.SAMLConnectionID,
	}
	ctx := testutil.HangGuard(t, "the example against an in-process TLS provider")
	var got strings.Builder
	require.NoError(t, run(ctx, env(vars), &got))
	assert.Contains(t, got.String(), `is now "Renamed over https"`)

	// The first try of a newcomer: WithBaseURL alone.
	plain, err := sso.New(testutil.ProjectID, secret, sso.WithBaseURL(srv.URL), sso.WithoutRetries())
	require.NoError(t, err)
	_, err = plain.UpdateSAMLConnection(ctx, seed.OrganizationID, seed.SAMLConnectionID, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate signed by unknown authority")
}

func TestRunNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), env(map[string]string{"STYTCH_BASE_URL": "https://127.0.0.1:1"}), &strings.Builder{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "STYTCH_CA_CERT, STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_ORGANIZATION_ID, STYTCH_SAML_CONNECTION_ID")
	assert.NotContains(t, err.Error(), "STYTCH_BASE_URL,")

	err = run(context.Background(), env(map[string]string{"STYTCH_BASE_URL": "https://127.0.0.1:1", "STYTCH_CA_CERT": "/nonexistent/ca.pem",
		"STYTCH_PROJECT_ID": testutil.ProjectID, "STYTCH_SECRET": secret, "STYTCH_ORGANIZATION_ID": "o", "STYTCH_SAML_CONNECTION_ID": "c"}), &strings.Builder{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "STYTCH_CA_CERT")
	assert.NotContains(t, err.Error(), secret)
}
