package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errInjected = errors.New("injected disk failure")

// halfThenFail writes half of the data, then fails, like a full disk.
func halfThenFail(w io.Writer, p []byte) error {
	if _, err := w.Write(p[:len(p)/2]); err != nil {
		return err
	}
	return errInjected
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFailureKeepsOldFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		old  []byte // nil: no previous file
	}{
		{"previous file", []byte("old recording\n")},
		{"no previous file", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "c.yaml")
			if tt.old != nil {
				require.NoError(t, os.WriteFile(path, tt.old, 0o644))
			}
			err := WriteWith(path, []byte("new recording, longer than the old one\n"), 0o644, halfThenFail)
			require.ErrorIs(t, err, errInjected)
			assert.Contains(t, err.Error(), path)
			if tt.old != nil {
				got, err := os.ReadFile(path)
				require.NoError(t, err)
				assert.Equal(t, tt.old, got)
				assert.Equal(t, []string{"c.yaml"}, dirNames(t, dir), "no temporary file left behind")
			} else {
				assert.Empty(t, dirNames(t, dir))
			}
		})
	}
}

func TestWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "c.yaml")
	require.NoError(t, Write(path, []byte("one"), 0o600))
	require.NoError(t, Write(path, []byte("two"), 0o600))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "two", string(got))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Equal(t, []string{"c.yaml"}, dirNames(t, filepath.Dir(path)))
}

// A path that is not a regular file is refused, and left as it was: renaming
// over a FIFO or a device would replace it.
func TestWriteRefusesNonRegularTargets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.pem")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	link := filepath.Join(dir, "link.pem")
	require.NoError(t, os.Symlink(filepath.Join(dir, "elsewhere.pem"), link))
	for path, want := range map[string]string{fifo: "a FIFO", sub: "a directory", link: "a symbolic link"} {
		err := Write(path, []byte("data"), 0o644)
		require.Error(t, err, path)
		assert.Contains(t, err.Error(), want)
		fi, err := os.Lstat(path)
		require.NoError(t, err)
		assert.False(t, fi.Mode().IsRegular(), "%s left as it was", path)
	}
	assert.ElementsMatch(t, []string{"fifo.pem", "sub", "link.pem"}, dirNames(t, dir), "no temporary file left behind")
}
