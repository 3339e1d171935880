package testutil

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSyncBufferKeepsEveryConcurrentWrite(t *testing.T) {
	t.Parallel()
	var b SyncBuffer
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { _, _ = fmt.Fprintf(&b, "line %02d\n", i) })
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 50)
	for i := range 50 {
		assert.Contains(t, lines, fmt.Sprintf("line %02d", i))
	}
}

func TestRoundTripperFuncCallsTheFunction(t *testing.T) {
	t.Parallel()
	want := &http.Response{StatusCode: http.StatusTeapot}
	var got *http.Request
	rt := RoundTripperFunc(func(r *http.Request) (*http.Response, error) { got = r; return want, nil })
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/x", nil)
	require.NoError(t, err)
	res, err := rt.RoundTrip(req)
	require.NoError(t, err)
	assert.Same(t, want, res)
	assert.Same(t, req, got)
}

func TestHalfThenFailWritesHalf(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	err := HalfThenFail(&w, []byte("0123456789"))
	require.ErrorIs(t, err, ErrInjected)
	assert.Equal(t, "01234", w.String())
}

func TestDirNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	assert.Empty(t, DirNames(t, dir))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b"), nil, 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "a"), 0o755))
	assert.Equal(t, []string{"a", "b"}, DirNames(t, dir))
}

func TestKeysAndCertificatesParse(t *testing.T) {
	t.Parallel()
	block, rest := pem.Decode([]byte(RSAPKCS1PEM(t, 1024)))
	require.NotNil(t, block)
	assert.Empty(t, rest)
	assert.Equal(t, "RSA PRIVATE KEY", block.Type)
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, 1024, key.N.BitLen())
	assert.NotEqual(t, RSAPKCS1PEM(t, 1024), RSAPKCS1PEM(t, 1024), "a new key each call")

	notAfter := time.Now().Add(time.Hour).Truncate(time.Second)
	block, _ = pem.Decode([]byte(SelfSignedCertPEM(t, "Test IdP", notAfter)))
	require.NotNil(t, block)
	assert.Equal(t, "CERTIFICATE", block.Type)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, "Test IdP", cert.Subject.CommonName)
	assert.True(t, cert.NotAfter.Equal(notAfter), "NotAfter %v, want %v", cert.NotAfter, notAfter)
	assert.True(t, cert.NotBefore.Before(time.Now()))
	require.NoError(t, cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature), "self-signed")
}

func TestFakePEMIsDeterministic(t *testing.T) {
	t.Parallel()
	a := FakePEM("CERTIFICATE", 100, 7)
	assert.Equal(t, a, FakePEM("CERTIFICATE", 100, 7))
	assert.NotEqual(t, a, FakePEM("CERTIFICATE", 100, 8))
	block, _ := pem.Decode([]byte(a))
	require.NotNil(t, block)
	assert.Equal(t, "CERTIFICATE", block.Type)
	assert.Len(t, block.Bytes, 100)
}

func TestMedian(t *testing.T) {
	t.Parallel()
	assert.InDelta(t, 2.0, Median([]time.Duration{3, 1, 2}), 0)
	assert.InDelta(t, 2.5, Median([]time.Duration{4, 1, 3, 2}), 0)
}

func TestModuleRootHoldsThisModule(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile(filepath.Join(ModuleRoot(t), "go.mod"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(mod), "module github.com/stytchsso/stytchsso\n"))
}

func TestReadServeVarsStopsAtTheLastVariableAndDrains(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, "STYTCH_PROJECT_ID=p\nSTYTCH_EXTERNAL_CONNECTION_ID=e\n")
		// Written after the last variable: must be drained, not parsed.
		_, err := io.WriteString(pw, "not a variable\n")
		_ = pw.CloseWithError(err)
	}()
	vars := ReadServeVars(t, pr)
	assert.Equal(t, map[string]string{"STYTCH_PROJECT_ID": "p", "STYTCH_EXTERNAL_CONNECTION_ID": "e"}, vars)
}

// TestRevealsEveryHostileEncoding: the oracle reads the marker back from
// each hostile encoding, and not from text that lacks it.
func TestRevealsEveryHostileEncoding(t *testing.T) {
	t.Parallel()
	const secret = "secret-test-CANARY/SECRET+7f3a9c=="
	for _, enc := range HostileEncodings() {
		assert.NotEmpty(t, Reveals("echo: "+enc.Encode(secret)+" end", "CANARY"), enc.Name)
		assert.Empty(t, Reveals("echo: "+enc.Encode("secret-test-[REDACTED]")+" end", "CANARY"), enc.Name)
	}
}
