//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestServeCertFileRefusesNonRegular: --cert-file (and --ready-file) on a
// device, a FIFO, a directory or a symbolic link is refused before anything
// is written; the node is left as it was. The device is a copy of /dev/null
// made in a temporary directory (when the test may make device nodes), so a
// regression cannot replace the machine's /dev/null.
func TestServeCertFileRefusesNonRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	link := filepath.Join(dir, "link")
	target := filepath.Join(dir, "target.pem")
	require.NoError(t, os.WriteFile(target, []byte("keep"), 0o644))
	require.NoError(t, os.Symlink(target, link))
	cases := map[string]string{fifo: "a FIFO", sub: "a directory", link: "a symbolic link"}
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err == nil { // char 1,3 like /dev/null
		cases[null] = "a device"
	} else {
		t.Logf("device case skipped: cannot make a device node here: %v", err)
	}
	for path, kind := range cases {
		before, err := os.Lstat(path)
		require.NoError(t, err)
		for _, flagName := range []string{"--cert-file", "--ready-file"} {
			args := []string{"--project-id", serveProject, "--secret", serveSecret, flagName, path}
			if flagName == "--cert-file" {
				args = append(args, "--tls")
			}
			var stdout, stderr bytes.Buffer
			// Bounded, so that a serve that accepts the path stops and fails
			// the test instead of serving on.
			code := serve(testutil.HangGuard(t, "serve refusing "+flagName+" "+path), args, &stdout, &stderr)
			assert.Equal(t, 2, code, "%s %s", flagName, path)
			assert.Contains(t, stderr.String(), flagName+": "+path+" is not a regular file ("+kind+")")
			assert.Empty(t, stdout.String())
			after, err := os.Lstat(path)
			require.NoError(t, err)
			assert.Equal(t, before.Mode(), after.Mode(), "%s changed", path)
			assert.Equal(t, before.Sys().(*syscall.Stat_t).Rdev, after.Sys().(*syscall.Stat_t).Rdev)
		}
	}
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep", string(got))
}
