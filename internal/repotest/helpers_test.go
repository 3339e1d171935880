package repotest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cleanEnv is the test's environment without what a CI runner or an action
// step would set, so that a test run inside GitHub Actions does not append
// to the real job summary or inherit inputs, and without an outer make's
// flags (`make test GO=...` must not reach the make a test runs).
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "GITHUB_"), strings.HasPrefix(name, "RUNNER_"),
			strings.HasPrefix(name, "INPUT_"), name == "ACTION_REF", name == "CI",
			name == "MAKEFLAGS", name == "MFLAGS", name == "GNUMAKEFLAGS", name == "MAKELEVEL":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// copyFile copies src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	require.NoError(t, os.WriteFile(dst, data, 0o644))
}

// exitCode is the exit status of a command that ran (err from Run or
// Output); it fails the test when the command could not run at all.
func exitCode(t *testing.T, what string, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "running %s: %v", what, err)
	return exitErr.ExitCode()
}
