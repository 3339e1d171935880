//go:build unix

// Named pipes exist only on unix systems.

package capture_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// withTimeout fails the test instead of hanging when f blocks.
func withTimeout(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	testutil.Await(t, "reading a directory that holds named pipes", done)
}

func TestNamedPipesAreNotRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "a.har")
	require.NoError(t, os.WriteFile(good, []byte(`{"log":{"entries":[{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":200}}]}}`), 0o600))
	fifoHAR := filepath.Join(dir, "b.har")
	fifoYAML := filepath.Join(dir, "sub", "c.yaml")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, syscall.Mkfifo(fifoHAR, 0o600))
	require.NoError(t, syscall.Mkfifo(fifoYAML, 0o600))
	link := filepath.Join(dir, "d.yml")
	require.NoError(t, os.Symlink(fifoYAML, link))

	t.Run("named explicitly", func(t *testing.T) {
		for _, p := range []string{fifoHAR, fifoYAML, link} {
			withTimeout(t, func() {
				_, err := capture.LoadFile(p)
				require.ErrorIs(t, err, capture.ErrNotRegularFile)
				assert.Contains(t, err.Error(), p)
				assert.Contains(t, err.Error(), "a FIFO")
				_, err = capture.LoadPath(p)
				require.ErrorIs(t, err, capture.ErrNotRegularFile)
				err = capture.ForEach(p, func(*contract.Pair) error { return nil }, nil)
				require.ErrorIs(t, err, capture.ErrNotRegularFile)
			})
		}
	})
	t.Run("walk skips and says why", func(t *testing.T) {
		withTimeout(t, func() {
			var loaded []string
			skipped := map[string]string{}
			err := capture.WalkFilesSkipping(dir, func(p string, _ bool) error {
				loaded = append(loaded, p)
				_, err := capture.LoadFile(p)
				return err
			}, func(p, reason string) { skipped[p] = reason })
			require.NoError(t, err)
			assert.Equal(t, []string{good}, loaded)
			assert.Len(t, skipped, 3)
			for _, p := range []string{fifoHAR, fifoYAML, link} {
				assert.Contains(t, skipped[p], "a FIFO", p)
			}

			var pairs int
			skipped = map[string]string{}
			err = capture.ForEach(dir, func(*contract.Pair) error { pairs++; return nil }, func(p, reason string) { skipped[p] = reason })
			require.NoError(t, err)
			assert.Equal(t, 1, pairs)
			assert.Len(t, skipped, 3)
		})
	})
	t.Run("plain walk refuses by name", func(t *testing.T) {
		withTimeout(t, func() {
			_, err := capture.LoadPath(dir)
			require.ErrorIs(t, err, capture.ErrNotRegularFile)
			assert.Contains(t, err.Error(), fifoHAR)
		})
	})
}
