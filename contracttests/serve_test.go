package contracttests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestLiveSuiteAgainstServeCommand runs the live suite the way the README
// tells teams to: `ssocontract serve --tls` in its own process, its printed
// variables in the environment, and the live target read from them, over
// https with the printed CA certificate.
func TestLiveSuiteAgainstServeCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the ssocontract binary")
	}
	bin := filepath.Join(t.TempDir(), "ssocontract")
	build := exec.Command("go", "build", "-o", bin, "../cmd/ssocontract")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	const secret = "secret-test-serve-command"
	ctx := testutil.HangGuard(t, "the ssocontract serve process")
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--project-id", localProjectID, "--tls",
		"--session", localSessionToken, "--session", localSessionJWT, "--denied-session", localDenied)
	cmd.Env = append(os.Environ(), "STYTCH_SECRET="+secret)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	// Registered first, so it runs last: after the live suite's restore.
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
		assert.NotContains(t, stderr.String(), secret, "serve never prints the secret")
	})

	vars := testutil.ReadServeVars(t, stdout)
	for _, k := range []string{"STYTCH_PROJECT_ID", "STYTCH_BASE_URL", "STYTCH_CA_CERT", "STYTCH_ORGANIZATION_ID",
		"STYTCH_ORGANIZATION_SLUG", "STYTCH_SAML_CONNECTION_ID", "STYTCH_EXTERNAL_CONNECTION_ID"} {
		require.NotEmpty(t, vars[k], "serve did not print %s", k)
		t.Setenv(k, vars[k])
	}
	assert.True(t, strings.HasPrefix(vars["STYTCH_BASE_URL"], "https://127.0.0.1:"))
	for k, v := range vars {
		assert.NotContains(t, v, secret, "%s", k)
	}
	t.Setenv("STYTCH_SECRET", secret)
	t.Setenv("STYTCH_MEMBER_SESSION_TOKEN", localSessionToken)
	t.Setenv("STYTCH_MEMBER_SESSION_JWT", localSessionJWT)
	t.Setenv("STYTCH_DENIED_MEMBER_SESSION", localDenied)

	tg, missing := liveTarget()
	require.NotNil(t, tg, missing)
	require.NotNil(t, tg.transport, "STYTCH_CA_CERT gives a transport that trusts the provider")
	protectLiveConnections(ctx, t, tg)
	tg.honoursPrefer = detectPrefer(ctx, t, tg)
	require.True(t, tg.honoursPrefer, "serve honours Prefer: code=N")
	fx := newFixtures(t)
	v := strictValidator(t)
	for _, s := range scenarios() {
		t.Run(s.id(), func(t *testing.T) {
			if s.needs != nil {
				require.Empty(t, s.needs(tg), "serve must support every scenario")
			}
			runScenario(ctx, t, tg, s, fx, nil, v)
		})
	}
	// Every status the spec declares, asked for with Prefer: code=N.
	runPreferScenarios(ctx, t, tg)
}
