package testutil

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// ProjectID is a well-formed fake test-environment Stytch project id, the
// one the tests send wherever the value itself does not matter.
const ProjectID = "project-test-00000000-0000-0000-0000-000000000000"

// The fake ids of the examples in api/openapi.yaml: an organization, its
// SAML connection and its External connection. Tests that check a request
// or a response against the spec's examples use these.
const (
	OrganizationID       = "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931"
	SAMLConnectionID     = "saml-connection-test-51861cbc-d3b9-428b-9761-227f5fb12be9"
	ExternalConnectionID = "external-connection-test-5c44cc6a-8af7-48d6-8da7-ea821342f5a6"
)

// SyncBuffer is a bytes.Buffer safe for concurrent use: a sink for loggers
// and for the output of servers that write from several goroutines. The
// zero value is an empty buffer ready to use.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// RoundTripperFunc makes a function an http.RoundTripper.
type RoundTripperFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f(r).
func (f RoundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// ErrInjected is the error HalfThenFail returns.
var ErrInjected = errors.New("injected disk failure")

// HalfThenFail writes the first half of p to w, then fails with
// ErrInjected, like a full disk. It has the shape of the write hooks of
// internal/atomicfile.
func HalfThenFail(w io.Writer, p []byte) error {
	if _, err := w.Write(p[:len(p)/2]); err != nil {
		return err
	}
	return ErrInjected
}

// DirNames returns the names of the entries of dir, sorted by name; it fails
// the test if dir cannot be read.
func DirNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// ModuleRoot returns the root of this module: the nearest directory at or
// above the test's working directory (its package's directory) that holds a
// go.mod. It fails the test when there is none.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod at or above the working directory")
		dir = parent
	}
}
