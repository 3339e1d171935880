package capture_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

func TestLoadPathDirectory(t *testing.T) {
	t.Parallel()
	pairs, err := capture.LoadPath("testdata")
	require.NoError(t, err)
	var sources []string
	for _, p := range pairs {
		if len(sources) == 0 || sources[len(sources)-1] != p.Source {
			sources = append(sources, p.Source)
		}
	}
	assert.Equal(t, []string{
		filepath.Join("testdata", "cassettes", "valid.yaml"),
		filepath.Join("testdata", "cassettes", "violations.yaml"),
		filepath.Join("testdata", "har", "valid.har"),
		filepath.Join("testdata", "har", "violations.har"),
	}, sources, "every pair file, in lexical order, nothing else")
	assert.Len(t, pairs, 3+3+3+3)
}

func TestLoadFileDispatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	har := write("UPPER.HAR", `{"log":{"entries":[{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":200}}]}}`)
	yml := write("c.yml", "version: 2\ninteractions: []\n")
	txt := write("notes.txt", "hello")

	pairs, err := capture.LoadFile(har)
	require.NoError(t, err)
	assert.Len(t, pairs, 1)
	assert.Equal(t, har, pairs[0].Source)

	pairs, err = capture.LoadFile(yml)
	require.NoError(t, err)
	assert.Empty(t, pairs)

	_, err = capture.LoadFile(txt)
	require.ErrorIs(t, err, capture.ErrUnsupportedFile)
	assert.Contains(t, err.Error(), "notes.txt")

	_, err = capture.LoadFile(filepath.Join(dir, "missing.har"))
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "missing.har")

	// A directory walk skips what is not a pair file; an explicit file is
	// handed over whatever its extension, so the error can say what is wrong.
	var seen []string
	require.NoError(t, capture.WalkFilesSkipping(dir, func(p string, _ bool) error { seen = append(seen, filepath.Base(p)); return nil }, nil))
	assert.Equal(t, []string{"UPPER.HAR", "c.yml"}, seen)
	seen = nil
	require.NoError(t, capture.WalkFilesSkipping(txt, func(p string, _ bool) error { seen = append(seen, filepath.Base(p)); return nil }, nil))
	assert.Equal(t, []string{"notes.txt"}, seen)

	// A YAML file that is no cassette is skipped in a walk, an error by name.
	other := write("ci.yaml", "jobs: {}\n")
	pairs, err = capture.LoadPath(dir)
	require.NoError(t, err)
	assert.Len(t, pairs, 1)
	_, err = capture.LoadPath(other)
	require.ErrorIs(t, err, capture.ErrNotPairFile)
	assert.Contains(t, err.Error(), "ci.yaml")

	_, err = capture.LoadPath(filepath.Join(dir, "nope"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestLoadPathNamesTheBrokenFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.har"), []byte(`{"log":{"entries":[]}}`), 0o600))
	broken := filepath.Join(dir, "sub", "b.yaml")
	require.NoError(t, os.WriteFile(broken, []byte("version: 2\ninteractions:\n  - [\n"), 0o600))

	_, err := capture.LoadPath(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), broken)
	assert.Contains(t, err.Error(), "line")
}

func TestSizeLimits(t *testing.T) {
	t.Parallel()
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		// A sparse file: the size check must fire before anything is read.
		p := filepath.Join(t.TempDir(), "big.har")
		f, err := os.Create(p)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(capture.MaxFileBytes+1))
		require.NoError(t, f.Close())
		_, err = capture.LoadFile(p)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "big.har")
		assert.Contains(t, err.Error(), "limit")
	})

}
