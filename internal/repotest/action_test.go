package repotest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

// actionRun is one local run of scripts/action.sh.
type actionRun struct {
	code    int
	stdout  string
	stderr  string
	summary string // what the script appended to GITHUB_STEP_SUMMARY
	path    string // what it appended to GITHUB_PATH
}

// runAction runs scripts/action.sh in a fresh workspace holding the given
// captures from testdata, with the variables a runner sets for a step of a
// composite action (GITHUB_ACTION_PATH is the repository root, the action's
// checkout) plus the action's INPUT_* variables.
func runAction(t *testing.T, inputs map[string]string, captures ...string) actionRun {
	t.Helper()
	root := repoRoot(t)
	ws := t.TempDir()
	for _, c := range captures {
		copyFile(t, filepath.Join("testdata", c), filepath.Join(ws, c))
	}
	runnerTemp := t.TempDir()
	summary := filepath.Join(runnerTemp, "step_summary.md")
	ghPath := filepath.Join(runnerTemp, "add_path.txt")
	for _, f := range []string{summary, ghPath} {
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
		"RUNNER_TEMP="+runnerTemp,
	)
	for k, v := range inputs {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		var exitErr *exec.ExitError
		require.True(t, errors.As(err, &exitErr), "running action.sh: %v", err)
		code = exitErr.ExitCode()
	}
	s, err := os.ReadFile(summary)
	require.NoError(t, err)
	p, err := os.ReadFile(ghPath)
	require.NoError(t, err)
	return actionRun{code, out.String(), errOut.String(), string(s), string(p)}
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
	build.Dir = repoRoot(t)
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
			Name  string            `yaml:"name"`
			Uses  string            `yaml:"uses"`
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
	root := repoRoot(t)
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

	script, err := os.ReadFile(filepath.Join(root, "scripts", "action.sh"))
	require.NoError(t, err)
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{?(INPUT_[A-Z_]+|ACTION_REF)\b`).FindAllStringSubmatch(string(script), -1) {
		read[m[1]] = true
	}
	require.NotEmpty(t, read)
	var runsScript int
	for _, st := range meta.Runs.Steps {
		if st.Run == "" {
			assert.NotEmpty(t, st.Uses, "step %q has neither run nor uses", st.Name)
			continue
		}
		assert.NotEmpty(t, st.Shell, "composite run step %q names its shell", st.Name)
		if !strings.Contains(st.Run, "scripts/action.sh") {
			continue
		}
		runsScript++
		for v := range read {
			assert.Contains(t, st.Env, v, "scripts/action.sh reads %s; the step that runs it does not set it", v)
		}
		for v := range st.Env {
			assert.True(t, read[v], "the step sets %s; scripts/action.sh never reads it", v)
		}
	}
	assert.Equal(t, 1, runsScript, "exactly one step runs scripts/action.sh")

}
