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

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestSyncRefusesWhatItCannotUse: a named pipe as the spec, the upstream
// or the accepted list is refused, never read (nothing writes to it, so a
// read would hang: bounded by the deadline below); an upstream that
// declares none of our operations (an empty file, another API's document)
// is bad input, not the removal of both operations; --write on a read-only
// spec exits 2 and leaves it alone. Each exits 2 naming the file.
func TestSyncRefusesWhatItCannotUse(t *testing.T) {
	t.Parallel()
	spec, accepted := syncFiles(t)
	up := fakeUpstream(t, upstreamConnection, upstreamConnection+upstreamNewField)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	empty := filepath.Join(dir, "empty.yml")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	other := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {"/v1/other": {"get": {"responses": {"200": {"description": "ok"}}}}}}`), 0o644))
	readOnly := filepath.Join(dir, "read-only.yaml")
	require.NoError(t, os.WriteFile(readOnly, api.YAML(), 0o444))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"spec is a pipe", []string{"--upstream", up, "--spec", fifo, "--accept", accepted}, fifo + ": a FIFO"},
		{"upstream is a pipe", []string{"--upstream", fifo, "--spec", spec, "--accept", accepted}, fifo + ": a FIFO"},
		{"accepted list is a pipe", []string{"--upstream", up, "--spec", spec, "--accept", fifo}, fifo + ": a FIFO"},
		{"spec is a directory", []string{"--upstream", up, "--spec", dir, "--accept", accepted}, dir + ": a directory"},
		{"empty upstream", []string{"--upstream", empty, "--spec", spec, "--accept", accepted}, "upstream " + empty + ": specdiff: the upstream document declares none of our operations"},
		{"another API's document", []string{"--upstream", other, "--spec", spec, "--accept", accepted}, "upstream " + other + ": specdiff: the upstream document declares none of our operations"},
		{"read-only spec", []string{"--upstream", up, "--spec", readOnly, "--accept", accepted, "--write"}, readOnly + " is read-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, stdout, stderr := runCLI(t, append([]string{"sync"}, tt.args...)...)
				done <- result{code, stdout, stderr}
			}()
			r := testutil.Await(t, fmt.Sprintf("ssocontract sync %v", tt.args), done)
			assert.Equal(t, exitUsage, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
	assert.Equal(t, string(api.YAML()), readString(t, readOnly), "the read-only spec is untouched")
	assert.Equal(t, string(api.YAML()), readString(t, spec), "the spec is untouched")
}
