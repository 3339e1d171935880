package repotest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// syncRun is one local run of scripts/upstream-sync.sh.
type syncRun struct {
	code    int
	stdout  string
	stderr  string
	outputs map[string]string // what it appended to GITHUB_OUTPUT
	body    string            // the pull request body, when it wrote one
	status  string            // git status --porcelain afterwards
	makeLog string            // the targets the stub make ran
}

// stubMakefile stands in for the repository's Makefile in the temporary
// repository: its sync-upstream runs the real sync --write, as the real
// target does (TestMakeSyncUpstreamRecipe holds the two together), and
// logs generate and contract instead of running them; FAIL_CONTRACT makes
// the contract step fail.
const stubMakefile = `sync-upstream:
	$(SSOCONTRACT) sync --upstream "$(UPSTREAM)" --write || [ $$? -eq 1 ]
	echo generate >>make.log
	echo contract >>make.log
	test -z "$$FAIL_CONTRACT"
`

// runUpstreamSync runs the script in a fresh git repository holding our
// spec, the accepted list and the stub Makefile (all committed), against
// an upstream document: Stytch's full spec with the given replacements,
// with the variables a runner sets.
func runUpstreamSync(t *testing.T, cli string, env []string, replace ...string) syncRun {
	t.Helper()
	root := testutil.ModuleRoot(t)
	repo := t.TempDir()
	copyFile(t, filepath.Join(root, "api", "openapi.yaml"), filepath.Join(repo, "api", "openapi.yaml"))
	copyFile(t, filepath.Join(root, "api", "upstream-accepted.json"), filepath.Join(repo, "api", "upstream-accepted.json"))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "Makefile"), []byte(stubMakefile), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("make.log\n"), 0o644))
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(cleanEnv(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return string(out)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "fixture")

	runnerTemp := t.TempDir()
	upstream := filepath.Join(runnerTemp, "openapi.yml")
	require.NoError(t, os.WriteFile(upstream, testutil.StytchUpstream(t, replace...), 0o644))
	output := filepath.Join(runnerTemp, "github_output")
	require.NoError(t, os.WriteFile(output, nil, 0o644))

	cmd := exec.Command("bash", filepath.Join(root, "scripts", "upstream-sync.sh"), upstream)
	cmd.Dir = repo
	cmd.Env = append(cleanEnv(), "CI=true", "GITHUB_ACTIONS=true", "GITHUB_WORKSPACE="+repo,
		"RUNNER_TEMP="+runnerTemp, "GITHUB_OUTPUT="+output, "SSOCONTRACT="+cli)
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		require.True(t, errors.As(err, &exitErr), "running upstream-sync.sh: %v", err)
		code = exitErr.ExitCode()
	}
	r := syncRun{code: code, stdout: out.String(), stderr: errOut.String(), outputs: map[string]string{}}
	raw, err := os.ReadFile(output)
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			r.outputs[k] = v
		}
	}
	if p := r.outputs["body"]; p != "" {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		r.body = string(b)
	}
	r.status = git("status", "--porcelain")
	if b, err := os.ReadFile(filepath.Join(repo, "make.log")); err == nil {
		r.makeLog = string(b)
	}
	return r
}

// Edits of Stytch's document for the script's cases.
const (
	upConnection = testutil.UpstreamSAMLConnection
	upStatus     = testutil.UpstreamSAMLStatusField
	upNewField   = "        sp_metadata_url:\n          type: string\n          description: The URL of the service provider metadata.\n"
)

// TestUpstreamSyncScript: the nightly job's script, run locally the way a
// runner runs it (RUNNER_TEMP, GITHUB_OUTPUT, a git work tree, a fake
// upstream): an addition becomes a change to commit and a pull request
// body, with generate and contract run; only decisions fail the job naming
// each; nothing moved is quiet; a failed contract check is reported without
// losing the pull request.
func TestUpstreamSyncScript(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed (every GitHub runner has it)")
	}
	cli := filepath.Join(t.TempDir(), "ssocontract")
	build := exec.Command("go", "build", "-o", cli, "./cmd/ssocontract")
	build.Dir = testutil.ModuleRoot(t)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	t.Run("addition", func(t *testing.T) {
		t.Parallel()
		r := runUpstreamSync(t, cli, nil, upConnection, upConnection+upNewField, upStatus, strings.Replace(upStatus, "type: string", "type: integer", 1))
		require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.Equal(t, "true", r.outputs["changed"])
		assert.Equal(t, "passed", r.outputs["contract"])
		assert.Equal(t, " M api/openapi.yaml\n", r.status, "only the spec changed, for the pull request to commit")
		assert.Equal(t, "generate\ncontract\n", r.makeLog)
		assert.Contains(t, r.body, "- `PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id}` response 200 `/connection/sp_metadata_url`: property copied from upstream\n")
		assert.Contains(t, r.body, "Needs a decision (not applied; adopt by hand or add to `api/upstream-accepted.json`):\n\n- PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id} response 200 /connection/status type: ours=string upstream=integer")
		assert.Contains(t, r.body, "`make contract` passed")
	})
	t.Run("only decisions", func(t *testing.T) {
		t.Parallel()
		r := runUpstreamSync(t, cli, nil, upStatus, strings.Replace(upStatus, "type: string", "type: integer", 1))
		assert.Equal(t, 1, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.Equal(t, "false", r.outputs["changed"])
		assert.Contains(t, r.stdout, "::error title=Stytch's spec moved (needs a decision)::PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id} response 200 /connection/status type: ours=string upstream=integer")
		assert.Contains(t, r.stderr, "1 difference(s) from Stytch's spec need a decision")
		assert.Empty(t, r.status, "nothing changed")
		assert.Empty(t, r.makeLog, "make did not run")
	})
	t.Run("nothing moved", func(t *testing.T) {
		t.Parallel()
		r := runUpstreamSync(t, cli, nil)
		assert.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.Equal(t, map[string]string{"changed": "false"}, r.outputs)
		assert.Contains(t, r.stdout, "in step with Stytch's published spec")
		assert.Empty(t, r.status)
	})
	t.Run("contract fails", func(t *testing.T) {
		t.Parallel()
		r := runUpstreamSync(t, cli, []string{"FAIL_CONTRACT=1"}, upConnection, upConnection+upNewField)
		assert.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.Equal(t, "true", r.outputs["changed"])
		assert.Equal(t, "failed", r.outputs["contract"])
		assert.Contains(t, r.body, "**`make sync-upstream` failed**")
	})
}

// TestMakeSyncUpstreamRecipe: the real make sync-upstream runs what the
// stub in TestUpstreamSyncScript runs, then make generate and make
// contract, and refuses to run without UPSTREAM.
func TestMakeSyncUpstreamRecipe(t *testing.T) {
	t.Parallel()
	root := testutil.ModuleRoot(t)
	cmd := exec.Command("make", "-n", "sync-upstream", "UPSTREAM=up.yml", "SSOCONTRACT=ssocontract")
	cmd.Dir = root
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := string(out)
	assert.Contains(t, lines, "ssocontract sync --upstream \"up.yml\" --write || [ $? -eq 1 ]\n")
	assert.Contains(t, lines, "make generate\n")
	assert.Contains(t, lines, "make contract\n")
	assert.Less(t, strings.Index(lines, "sync --upstream"), strings.Index(lines, "make generate\n"))
	assert.Less(t, strings.Index(lines, "make generate\n"), strings.Index(lines, "make contract\n"))

	cmd = exec.Command("make", "sync-upstream")
	cmd.Dir = root
	cmd.Env = cleanEnv()
	out, err = cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "set UPSTREAM")
}
