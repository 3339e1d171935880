package recording

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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

func TestStopFailureKeepsOldRecording(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	old := []byte("---\nversion: 2\ninteractions: []\n")
	require.NoError(t, os.WriteFile(path, old, 0o644))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	r, err := New(path, WithMode(ModeRecord))
	require.NoError(t, err)
	r.fs.write = halfThenFail
	resp, err := r.Client().Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	err = r.Stop()
	require.ErrorIs(t, err, errInjected)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, old, got)
	assert.Equal(t, []string{"c.yaml"}, dirNames(t, dir))
}

func TestGuardRefusesSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	const secret = "canary-guard-31d0"
	fs := &diskFS{redactor: NewRedactor(secret)}
	err := fs.WriteFile(path, []byte("body: x"+secret))
	require.ErrorIs(t, err, ErrSecretInOutput)
	assert.NotContains(t, err.Error(), secret)
	assert.Empty(t, dirNames(t, dir))
	require.NoError(t, fs.WriteFile(path, []byte("body: clean")))
	assert.True(t, fs.IsFileExists(path))
	got, err := fs.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "body: clean", string(got))
}
