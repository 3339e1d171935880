package repotest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// actionRun is one local run of scripts/action.sh.
type actionRun struct {
	code    int
	stdout  string
	stderr  string
	summary string // what the script appended to GITHUB_STEP_SUMMARY
	path    string // what it appended to GITHUB_PATH
	output  string // what it appended to GITHUB_OUTPUT
}

// runAction runs scripts/action.sh in a fresh workspace holding the given
// captures from testdata, with the variables a runner sets for a step of a
// composite action (GITHUB_ACTION_PATH is the repository root, the action's
// checkout) plus the action's INPUT_* variables.
func runAction(t *testing.T, inputs map[string]string, captures ...string) actionRun {
	t.Helper()
	root := testutil.ModuleRoot(t)
	ws := t.TempDir()
	for _, c := range captures {
		copyFile(t, filepath.Join("testdata", c), filepath.Join(ws, c))
	}
	runnerTemp := t.TempDir()
	summary := filepath.Join(runnerTemp, "step_summary.md")
	ghPath := filepath.Join(runnerTemp, "add_path.txt")
	ghOutput := filepath.Join(runnerTemp, "output.txt")
	for _, f := range []string{summary, ghPath, ghOutput} {
		require.NoError(t, os.WriteFile(f, nil, 0o644))
	}
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "action.sh"))
	cmd.Dir = ws
	cmd.Env = append(cleanEnv(),
		"CI=true",
		"GITHUB_ACTIONS=true",
		"GITHUB_WORKSPACE="+ws,
		"GITHUB_ACTION_PATH="+root,
		"GITHUB_STEP_SUMMARY="+summary,
		"GITHUB_PATH="+ghPath,
		"GITHUB_OUTPUT="+ghOutput,
		"RUNNER_TEMP="+runnerTemp,
	)
	for k, v := range inputs {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	code := exitCode(t, "action.sh", cmd.Run())
	s, err := os.ReadFile(summary)
	require.NoError(t, err)
	p, err := os.ReadFile(ghPath)
	require.NoError(t, err)
	o, err := os.ReadFile(ghOutput)
	require.NoError(t, err)
	return actionRun{code, out.String(), errOut.String(), string(s), string(p), string(o)}
}

// TestActionScriptBadInputs: inputs the script cannot use fail with exit 2
// and an annotation saying which input is wrong, before anything is built.
func TestActionScriptBadInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inputs map[string]string
		want   string
	}{
		{"no paths", map[string]string{"INPUT_PATHS": " \n "}, "::error title=ssocontract::the 'paths' input is empty"},
		{"strict not a boolean", map[string]string{"INPUT_PATHS": "good.har", "INPUT_STRICT": "yes"}, "the 'strict' input must be true or false, not 'yes'"},
		{"coverage-min not a number", map[string]string{"INPUT_PATHS": "good.har", "INPUT_COVERAGE_MIN": "most"}, "the 'coverage-min' input must be a percentage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, tt.inputs, "good.har")
			assert.Equal(t, 2, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			assert.Contains(t, r.stdout, tt.want)
			assert.NotContains(t, r.stdout, "Install ssocontract", "nothing is installed for bad inputs")
		})
	}
}

// requireCLIFeature builds the CLI from this checkout and fails the test
// when `ssocontract SUBCOMMAND --help` does not mention want, a flag the
// action's script relies on.
func requireCLIFeature(t *testing.T, subcommand, want string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ssocontract")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ssocontract")
	build.Dir = testutil.ModuleRoot(t)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build ./cmd/ssocontract: %s", out)
	help, _ := exec.Command(bin, subcommand, "--help").CombinedOutput()
	if !strings.Contains(string(help), want) {
		t.Fatalf("`ssocontract %s --help` does not mention %q, which the action's script uses", subcommand, want)
	}
}

// TestActionScript runs the action's script as a runner would, on a
// conforming and a drifting capture: exit 0 and 1, one annotation per
// violation, a job summary, and the CLI's directory added to GITHUB_PATH.
func TestActionScript(t *testing.T) {
	t.Parallel()
	requireCLIFeature(t, "validate", "github")
	annotation := regexp.MustCompile(`(?m)^::error file=[^,]*drift\.har[,:]`)

	t.Run("conforming capture, strict", func(t *testing.T) {
		t.Parallel()
		r := runAction(t, map[string]string{"INPUT_PATHS": "good.har", "INPUT_STRICT": "true"}, "good.har")
		require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.NotContains(t, r.stdout, "::error")
		assert.Contains(t, r.stdout, "building from the action's checkout", "an empty action ref (uses: ./) builds from GITHUB_ACTION_PATH")
		assert.NotEmpty(t, strings.TrimSpace(r.summary), "a job summary is appended to GITHUB_STEP_SUMMARY")
		dir := strings.TrimSpace(r.path)
		require.NotEmpty(t, dir, "the CLI's directory is added to GITHUB_PATH")
		fi, err := os.Stat(filepath.Join(dir, "ssocontract"))
		require.NoError(t, err)
		assert.NotZero(t, fi.Mode()&0o111, "ssocontract in GITHUB_PATH is executable")
		assert.Equal(t, []string{"ssocontract"}, testutil.DirNames(t, dir), "later steps' PATH gains ssocontract, nothing else (no go)")
		assert.Contains(t, r.output, "built=true\n", "a fresh build is reported, so the action caches it")
	})

	t.Run("drifting capture among paths given on two lines, on a branch ref", func(t *testing.T) {
		t.Parallel()
		r := runAction(t, map[string]string{"INPUT_PATHS": "good.har\ndrift.har", "ACTION_REF": "main"}, "good.har", "drift.har")
		require.Equal(t, 1, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.Contains(t, r.stdout, "building from the action's checkout", "a branch ref builds from GITHUB_ACTION_PATH")
		assert.Len(t, annotation.FindAllString(r.stdout, -1), 3, "one annotation per violation of drift.har (3):\n%s", r.stdout)
		assert.NotRegexp(t, `(?m)^::error file=[^,]*good\.har`, r.stdout)
		assert.NotEmpty(t, strings.TrimSpace(r.summary), "a job summary is appended to GITHUB_STEP_SUMMARY")
	})
}

// TestActionScriptCoverageMin: the coverage-min input fails the step below
// the floor, with an annotation, and passes at or above it. good.har exercises only part of the spec (one operation, one
// status), so 100% fails and 0% passes.
func TestActionScriptCoverageMin(t *testing.T) {
	t.Parallel()
	requireCLIFeature(t, "validate", "github")
	requireCLIFeature(t, "coverage", "min")
	for _, tt := range []struct {
		min  string
		want int
	}{{"0", 0}, {"100", 1}} {
		t.Run("min "+tt.min, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, map[string]string{"INPUT_PATHS": "good.har", "INPUT_COVERAGE_MIN": tt.min}, "good.har")
			require.Equal(t, tt.want, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			assert.Contains(t, r.stdout, "ssocontract coverage --min "+tt.min)
			assert.Contains(t, r.stdout, "| Operation |", "the coverage table is in the log")
			if tt.want == 0 {
				assert.NotContains(t, r.stdout, "::error")
			} else {
				assert.Contains(t, r.stdout, "::error title=ssocontract coverage::coverage of the captures is below coverage-min 100%")
			}
		})
	}
}

// actionMeta is the part of action.yml this test checks.
type actionMeta struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Inputs      map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     *string
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID    string            `yaml:"id"`
			Name  string            `yaml:"name"`
			If    string            `yaml:"if"`
			Uses  string            `yaml:"uses"`
			With  map[string]string `yaml:"with"`
			Run   string            `yaml:"run"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// TestActionMetadata checks what actionlint does not: actionlint validates
// action.yml's schema (through the workflow's `uses: ./`), but not the
// composite steps. Every input referenced exists and every input is used;
// every INPUT_* variable the script reads is set by the step that runs it,
// and every one set is read; run steps name their shell.
func TestActionMetadata(t *testing.T) {
	t.Parallel()
	root := testutil.ModuleRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "action.yml"))
	require.NoError(t, err)
	var meta actionMeta
	require.NoError(t, yaml.Unmarshal(raw, &meta))
	assert.NotEmpty(t, meta.Name)
	assert.NotEmpty(t, meta.Description)
	require.Equal(t, "composite", meta.Runs.Using)
	require.NotEmpty(t, meta.Inputs)
	for name, in := range meta.Inputs {
		assert.NotEmpty(t, in.Description, "input %s has a description", name)
		if !in.Required {
			assert.NotNil(t, in.Default, "optional input %s has a default", name)
		}
	}

	referenced := map[string]bool{}
	for _, m := range regexp.MustCompile(`inputs\.([A-Za-z0-9_-]+)`).FindAllStringSubmatch(string(raw), -1) {
		referenced[m[1]] = true
	}
	for name := range referenced {
		assert.Contains(t, meta.Inputs, name, "action.yml references inputs.%s, which it does not declare", name)
	}
	for name := range meta.Inputs {
		assert.True(t, referenced[name], "input %s is declared but never used", name)
	}

	// Each script step sets exactly the variables its script reads.
	runs := map[string]int{}
	for _, st := range meta.Runs.Steps {
		if st.Run == "" {
			assert.NotEmpty(t, st.Uses, "step %q has neither run nor uses", st.Name)
			continue
		}
		assert.NotEmpty(t, st.Shell, "composite run step %q names its shell", st.Name)
		m := regexp.MustCompile(`scripts/(action[a-z-]*\.sh)`).FindStringSubmatch(st.Run)
		if m == nil {
			continue
		}
		runs[m[1]]++
		script, err := os.ReadFile(filepath.Join(root, "scripts", m[1]))
		require.NoError(t, err)
		read := map[string]bool{}
		for _, v := range regexp.MustCompile(`\$\{?(INPUT_[A-Z_]+|ACTION_REF|SSOCONTRACT_[A-Z_]+)\b`).FindAllStringSubmatch(string(script), -1) {
			read[v[1]] = true
		}
		require.NotEmpty(t, read)
		for v := range read {
			assert.Contains(t, st.Env, v, "scripts/%s reads %s; the step that runs it does not set it", m[1], v)
		}
		for v := range st.Env {
			assert.True(t, read[v], "the step sets %s; scripts/%s never reads it", v, m[1])
		}
	}
	assert.Equal(t, map[string]int{"action-plan.sh": 1, "action.sh": 1}, runs, "one step plans, one runs ssocontract")
}

// TestActionCachesAndLeavesGoAlone (issue 21 §1): the action keys its cache
// on the plan's version and Go, restores before and saves after a fresh
// build (even when validation then fails), takes Go from the module's
// go.mod, and runs actions/setup-go (whose Go later steps would see) only
// when asked or when there is neither a cached binary nor a go command.
// Actions are pinned as the workflow pins them: actions/NAME@vMAJOR.
func TestActionCachesAndLeavesGoAlone(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "action.yml"))
	require.NoError(t, err)
	var meta actionMeta
	require.NoError(t, yaml.Unmarshal(raw, &meta))
	require.NotNil(t, meta.Inputs["setup-go"].Default)
	assert.Equal(t, "auto", *meta.Inputs["setup-go"].Default, "by default the job's Go is left as it is")

	index := map[string]int{}
	for i, st := range meta.Runs.Steps {
		if st.Uses != "" {
			assert.Regexp(t, `^actions/[a-z-]+(/[a-z-]+)?@v[0-9]+$`, st.Uses, "step %q is pinned as the workflow's actions are", st.Name)
			index[st.Uses[:strings.Index(st.Uses, "@")]] = i
		}
		if st.ID != "" {
			index[st.ID] = i
		}
	}
	steps := meta.Runs.Steps
	for _, name := range []string{"plan", "actions/cache/restore", "actions/setup-go", "run", "actions/cache/save"} {
		require.Contains(t, index, name)
	}
	assert.Less(t, index["plan"], index["actions/cache/restore"])
	assert.Less(t, index["actions/cache/restore"], index["actions/setup-go"])
	assert.Less(t, index["actions/setup-go"], index["run"])
	assert.Less(t, index["run"], index["actions/cache/save"])

	for _, name := range []string{"actions/cache/restore", "actions/cache/save"} {
		st := steps[index[name]]
		assert.Equal(t, "${{ steps.plan.outputs.key }}", st.With["key"], name)
		assert.Equal(t, "${{ steps.plan.outputs.dir }}", st.With["path"], name)
	}
	assert.Equal(t, "cache", steps[index["actions/cache/restore"]].ID)
	save := steps[index["actions/cache/save"]]
	assert.Contains(t, save.If, "always()", "the binary is saved even when validation fails the step")
	assert.Contains(t, save.If, "steps.run.outputs.built == 'true'", "only a fresh build is saved")

	setup := steps[index["actions/setup-go"]]
	assert.Equal(t, "${{ github.action_path }}/go.mod", setup.With["go-version-file"], "Go from the module")
	assert.Equal(t, "inputs.setup-go == 'true' || (inputs.setup-go == 'auto' && steps.cache.outputs.cache-hit != 'true' && steps.plan.outputs.have-go != 'true')",
		setup.If, "setup-go only when asked, or when nothing else can build")

	run := steps[index["run"]]
	assert.Equal(t, "${{ steps.plan.outputs.dir }}", run.Env["SSOCONTRACT_DIR"])
	assert.Equal(t, "${{ steps.plan.outputs.go }}", run.Env["SSOCONTRACT_GO"])
}

// stubCLI is a stand-in for a cached ssocontract: it says it ran and
// accepts whatever it is given.
const stubCLI = `#!/usr/bin/env bash
echo "STUB-SSOCONTRACT $*"
`

// pathWithoutGo is a PATH holding bash and the usual tools but no go
// command; the test skips when the system's own go is in it.
func pathWithoutGo(t *testing.T) string {
	t.Helper()
	const p = "/usr/bin:/bin"
	for _, dir := range filepath.SplitList(p) {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			t.Skipf("%s holds a go command", dir)
		}
	}
	return p
}

// TestActionScriptUsesTheCachedBinary: with the binary restored from the
// cache into SSOCONTRACT_DIR, nothing is installed and no Go is needed (the
// PATH has none), and nothing is reported for the cache to save.
func TestActionScriptUsesTheCachedBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ssocontract"), []byte(stubCLI), 0o755))
	r := runAction(t, map[string]string{"INPUT_PATHS": "good.har", "SSOCONTRACT_DIR": dir, "ACTION_REF": "v9.9.9",
		"PATH": pathWithoutGo(t)}, "good.har")
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "restored from the cache")
	assert.Contains(t, r.stdout, "STUB-SSOCONTRACT validate --format github -- good.har")
	assert.NotContains(t, r.stdout, "go install")
	assert.NotContains(t, r.output, "built=true", "a restored binary is not saved again")
	assert.Equal(t, dir, strings.TrimSpace(r.path))
}

// TestActionScriptWithoutGo: no cached binary and no go command fails with
// exit 2 and an annotation saying how to give it one, before validating.
func TestActionScriptWithoutGo(t *testing.T) {
	t.Parallel()
	r := runAction(t, map[string]string{"INPUT_PATHS": "good.har", "SSOCONTRACT_DIR": t.TempDir(), "PATH": pathWithoutGo(t)}, "good.har")
	assert.Equal(t, 2, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "::error title=ssocontract::no go command on the PATH to build ssocontract: set the action's setup-go input")
	assert.NotContains(t, r.output, "built=true")
}

// runPlan runs scripts/action-plan.sh with the action checked out at
// actionPath and returns its exit code, stdout and GITHUB_OUTPUT lines.
func runPlan(t *testing.T, actionPath string, env ...string) (int, string, map[string]string) {
	t.Helper()
	ghOutput := filepath.Join(t.TempDir(), "output.txt")
	cmd := exec.Command("bash", filepath.Join(testutil.ModuleRoot(t), "scripts", "action-plan.sh"))
	cmd.Dir = t.TempDir()
	cmd.Env = append(cleanEnv(), append([]string{"GITHUB_ACTION_PATH=" + actionPath, "GITHUB_OUTPUT=" + ghOutput,
		"RUNNER_TEMP=/runner/temp", "RUNNER_OS=Linux", "RUNNER_ARCH=X64"}, env...)...)
	out, err := cmd.CombinedOutput()
	code := exitCode(t, "action-plan.sh", err)
	raw, _ := os.ReadFile(ghOutput)
	outputs := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	return code, string(out), outputs
}

// fakeAction writes a minimal action checkout: a go.mod and one source file.
func fakeAction(t *testing.T, goMod, source string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "pkg", "sso"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pkg", "sso", "client.go"), []byte(source), 0o644))
	return dir
}

// TestActionPlan: the cache key holds the version and the module's Go, a
// branch's key follows its sources, and the Go comes from go.mod as
// actions/setup-go's go-version-file reads it.
func TestActionPlan(t *testing.T) {
	t.Parallel()
	const mod = "module github.com/stytchsso/stytchsso\n\ngo 1.26.0\n"
	action := fakeAction(t, mod, "package sso\n")

	code, out, o := runPlan(t, action, "ACTION_REF=v0.2.0")
	require.Equal(t, 0, code, out)
	assert.Equal(t, "ssocontract-Linux-X64-v0.2.0-go1.26.0", o["key"], "a tag: the tag and the module's Go")
	assert.Equal(t, "/runner/temp/ssocontract", o["dir"])
	assert.Equal(t, "go1.26.0", o["go"])

	_, _, o = runPlan(t, action, "ACTION_REF=v0.2.0", "INPUT_VERSION=0123456789abcdef0123456789abcdef01234567")
	assert.Equal(t, "ssocontract-Linux-X64-0123456789abcdef0123456789abcdef01234567-go1.26.0", o["key"], "the version input wins")

	_, _, main1 := runPlan(t, action, "ACTION_REF=main")
	assert.Regexp(t, `^ssocontract-Linux-X64-src-[0-9a-f]{16}-go1\.26\.0$`, main1["key"], "a branch: a hash of the sources")
	_, _, main2 := runPlan(t, action, "ACTION_REF=main")
	assert.Equal(t, main1["key"], main2["key"], "the same sources, the same key")
	changed := fakeAction(t, mod, "package sso // changed\n")
	_, _, main3 := runPlan(t, changed, "ACTION_REF=main")
	assert.NotEqual(t, main1["key"], main3["key"], "changed sources, another key: a stale binary is never restored")
	testOnly := fakeAction(t, mod, "package sso\n")
	require.NoError(t, os.WriteFile(filepath.Join(testOnly, "pkg", "sso", "client_test.go"), []byte("package sso\n"), 0o644))
	_, _, main4 := runPlan(t, testOnly, "ACTION_REF=main")
	assert.Equal(t, main1["key"], main4["key"], "tests are not in the binary, nor in the key")

	_, _, o = runPlan(t, fakeAction(t, "module m\n\ngo 1.26\n\ntoolchain go1.26.3\n", ""), "ACTION_REF=v0.2.0")
	assert.Equal(t, "go1.26.3", o["go"], "a toolchain line wins, as for setup-go")
	_, _, o = runPlan(t, fakeAction(t, "module m\n\ngo 1.27\n", ""), "ACTION_REF=v0.2.0")
	assert.Equal(t, "go1.27.0", o["go"], "a go line without a patch names its first release")

	assert.Equal(t, "true", main1["have-go"], "this machine's go (the test runs under it) can build")
	_, _, o = runPlan(t, action, "PATH="+pathWithoutGo(t))
	assert.Equal(t, "false", o["have-go"], "no go on the PATH: the action sets Go up (setup-go: auto)")

	code, out, _ = runPlan(t, action, "INPUT_SETUP_GO=yes")
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "::error title=ssocontract::the 'setup-go' input must be auto, true or false, not 'yes'")
}
