//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// A named pipe called *.har never hangs validate or coverage: found in a
// directory it is skipped with a message, named explicitly it is refused.
// Nothing ever writes to the pipe, so a blocking open would hang the test
// (bounded by the deadline below).
func TestNamedPipeNeverHangs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, err := os.ReadFile(testdata + "/har/valid.har")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "good.har"), good, 0o644))
	fifo := filepath.Join(dir, "stalled.har")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))

	type result struct {
		code           int
		stdout, stderr string
	}
	run := func(args ...string) result {
		t.Helper()
		done := make(chan result, 1)
		go func() {
			code, stdout, stderr := runCLI(t, args...)
			done <- result{code, stdout, stderr}
		}()
		return testutil.Await(t, fmt.Sprintf("ssocontract %v on a named pipe", args), done)
	}

	r := run("validate", dir)
	assert.Equal(t, 0, r.code, "the pipe is skipped, the good file validated: %s", r.stderr)
	assert.Contains(t, r.stderr, "skipped "+fifo)
	assert.Contains(t, r.stdout, "from 1 file(s)")

	r = run("validate", fifo)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "not a regular file")

	r = run("coverage", dir)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "skipped "+fifo)
}
