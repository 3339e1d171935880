package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// cassettes is the contract suite's own recordings: 24 pairs that pass.
func cassettes(t *testing.T) string {
	t.Helper()
	return filepath.Join(testutil.ModuleRoot(t), "contracttests", "testdata", "cassettes")
}

func TestRunPassesGoodCaptures(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{cassettes(t)}, &out))
	assert.Equal(t, "checked 24 pairs against the spec (0 skipped: not the SSO updates), 0 violations\n", out.String())
}

// TestRunFailsOnDrift: a response with a field the spec does not declare
// fails the check, naming the file, the pair and the field.
func TestRunFailsOnDrift(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(cassettes(t), "external", "empty_body.yaml"))
	require.NoError(t, err)
	drifted := strings.Replace(string(data), `"status_code":200}'`, `"status_code":200,"new_field":true}'`, 1)
	require.NotEqual(t, string(data), drifted, "the fixture changed shape: update the replacement")
	file := filepath.Join(t.TempDir(), "drifted.yaml")
	require.NoError(t, os.WriteFile(file, []byte(drifted), 0o600))

	var out strings.Builder
	err = run(context.Background(), []string{file}, &out)
	require.ErrorIs(t, err, errFailed)
	assert.Contains(t, err.Error(), "1 violations")
	assert.Contains(t, out.String(), "drifted.yaml")
	assert.Contains(t, out.String(), "/new_field")
	assert.Contains(t, out.String(), "checked 1 pairs against the spec (0 skipped: not the SSO updates), 1 violations\n")
}

// TestRunFailsWhenNothingWasChecked: captures without a single pair of the
// two updates (here a HAR of other traffic, and an empty directory) fail:
// a wrong path must not look like a clean run.
func TestRunFailsWhenNothingWasChecked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	har := filepath.Join(dir, "other.har")
	require.NoError(t, os.WriteFile(har, []byte(`{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[
{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"GET","url":"https://example.test/app.js","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":0,"mimeType":"text/javascript"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`), 0o600))
	var out strings.Builder
	err := run(context.Background(), []string{har}, &out)
	require.ErrorIs(t, err, errFailed)
	assert.Contains(t, err.Error(), "nothing was checked")
	assert.Contains(t, out.String(), "checked 0 pairs against the spec (1 skipped")

	err = run(context.Background(), []string{t.TempDir()}, &strings.Builder{})
	require.ErrorIs(t, err, errFailed)
	assert.Contains(t, err.Error(), "nothing was checked")
}
