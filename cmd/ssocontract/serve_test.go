package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

const (
	serveProject = testutil.ProjectID
	serveSecret  = "secret-test-serve-canary-4c2a9e"
)

// startServe runs serve until the test ends and returns the printed
// variables, the captured stderr and a function that stops the server and
// returns its exit code.
func startServe(t *testing.T, args ...string) (map[string]string, *testutil.SyncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &testutil.SyncBuffer{}
	done := make(chan int, 1)
	go func() {
		code := serve(ctx, args, pw, stderr)
		pw.Close()
		done <- code
	}()
	vars := testutil.ReadServeVars(t, pr)
	var once sync.Once
	code := -1
	stop := func() int {
		once.Do(func() {
			cancel()
			code = testutil.Await(t, "serve stopping after cancellation", done)
		})
		return code
	}
	t.Cleanup(func() { stop() })
	require.NotEmpty(t, vars["STYTCH_EXTERNAL_CONNECTION_ID"], "stderr: %s", stderr.String())
	return vars, stderr, stop
}

func put(t *testing.T, client *http.Client, url, secret string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(`{"display_name":"From serve test"}`))
	require.NoError(t, err)
	req.SetBasicAuth(serveProject, secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func TestServeTLS(t *testing.T) {
	t.Parallel()
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	vars, stderr, stop := startServe(t, "--addr", "127.0.0.1:0", "--project-id", serveProject,
		"--secret", serveSecret, "--tls", "--cert-file", certFile, "--session", "session-token-ok")
	assert.Equal(t, serveProject, vars["STYTCH_PROJECT_ID"])
	assert.Regexp(t, `^https://127\.0\.0\.1:[1-9][0-9]*$`, vars["STYTCH_BASE_URL"])
	assert.Equal(t, certFile, vars["STYTCH_CA_CERT"])
	assert.Regexp(t, `^organization-test-`, vars["STYTCH_ORGANIZATION_ID"])
	assert.Regexp(t, `^saml-connection-test-`, vars["STYTCH_SAML_CONNECTION_ID"])
	assert.Regexp(t, `^external-connection-test-`, vars["STYTCH_EXTERNAL_CONNECTION_ID"])

	pemData, err := os.ReadFile(vars["STYTCH_CA_CERT"])
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemData))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	t.Cleanup(client.CloseIdleConnections)

	saml := vars["STYTCH_BASE_URL"] + "/v1/b2b/sso/saml/" + vars["STYTCH_ORGANIZATION_ID"] + "/connections/" + vars["STYTCH_SAML_CONNECTION_ID"]
	external := vars["STYTCH_BASE_URL"] + "/v1/b2b/sso/external/" + vars["STYTCH_ORGANIZATION_SLUG"] + "/connections/" + vars["STYTCH_EXTERNAL_CONNECTION_ID"]
	assert.Equal(t, http.StatusOK, put(t, client, saml, serveSecret))
	assert.Equal(t, http.StatusOK, put(t, client, external, serveSecret))
	assert.Equal(t, http.StatusUnauthorized, put(t, client, saml, "secret-test-wrong"))

	// localhost is in the certificate too.
	localhost := strings.Replace(saml, "127.0.0.1", "localhost", 1)
	assert.Equal(t, http.StatusOK, put(t, client, localhost, serveSecret))

	// Without the CA the certificate is refused.
	_, err = (&http.Client{}).Get(vars["STYTCH_BASE_URL"])
	assert.Error(t, err)

	assert.Equal(t, 0, stop())
	assert.NotContains(t, stderr.String(), serveSecret)
	assert.Contains(t, stderr.String(), "not Stytch")
	assert.FileExists(t, certFile, "a --cert-file is kept")
}

func TestServeHTTPAndTempCert(t *testing.T) {
	t.Parallel()
	t.Run("http", func(t *testing.T) {
		t.Parallel()
		vars, _, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret, "--rate", "100")
		assert.Regexp(t, `^http://127\.0\.0\.1:`, vars["STYTCH_BASE_URL"])
		assert.NotContains(t, vars, "STYTCH_CA_CERT")
		saml := vars["STYTCH_BASE_URL"] + "/v1/b2b/sso/saml/" + vars["STYTCH_ORGANIZATION_ID"] + "/connections/" + vars["STYTCH_SAML_CONNECTION_ID"]
		assert.Equal(t, http.StatusOK, put(t, http.DefaultClient, saml, serveSecret))
		assert.Equal(t, 0, stop())
	})
	t.Run("temporary certificate is removed on stop", func(t *testing.T) {
		t.Parallel()
		vars, _, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret, "--tls")
		require.FileExists(t, vars["STYTCH_CA_CERT"])
		assert.Equal(t, 0, stop())
		assert.NoFileExists(t, vars["STYTCH_CA_CERT"])
	})
}

func TestServeStdoutNeverHasTheSecret(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve prints its lines, then stops at once
	var stdout, stderr bytes.Buffer
	code := serve(ctx, []string{"--project-id", serveProject, "--secret", serveSecret}, &stdout, &stderr)
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout.String(), "STYTCH_SAML_CONNECTION_ID=")
	assert.NotContains(t, stdout.String(), serveSecret)
	assert.NotContains(t, stderr.String(), serveSecret)
}

// TestServeBadFlags is not parallel: one case sets STYTCH_SECRET.
func TestServeBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no project", []string{"--secret", serveSecret}, "--project-id is required"},
		{"no secret", []string{"--project-id", serveProject, "--secret", ""}, "--secret (or STYTCH_SECRET) is required"},
		{"unknown flag", []string{"--project-id", serveProject, "--secret", serveSecret, "--nope"}, "flag provided but not defined: -nope"},
		{"negative rate", []string{"--project-id", serveProject, "--secret", serveSecret, "--rate", "-1"}, "--rate must be >= 0"},
		{"bad rate", []string{"--project-id", serveProject, "--secret", serveSecret, "--rate", "fast"}, "invalid value"},
		{"bad addr", []string{"--project-id", serveProject, "--secret", serveSecret, "--addr", "localhost"}, "want host:port"},
		{"cert file without tls", []string{"--project-id", serveProject, "--secret", serveSecret, "--cert-file", "x.pem"}, "--cert-file needs --tls"},
		{"extra argument", []string{"--project-id", serveProject, "--secret", serveSecret, "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "no secret" {
				t.Setenv("STYTCH_SECRET", "")
			}
			var stdout, stderr bytes.Buffer
			code := serve(context.Background(), tt.args, &stdout, &stderr)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr.String(), tt.want)
			assert.Empty(t, stdout.String())
			assert.NotContains(t, stderr.String(), serveSecret)
		})
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"organization-test-1":  "organization-test-1",
		"https://127.0.0.1:80": "https://127.0.0.1:80",
		"a b":                  "'a b'",
		"it's":                 `'it'\''s'`,
		"$(rm -rf x)":          "'$(rm -rf x)'",
	}
	for in, want := range tests {
		assert.Equal(t, want, shellQuote(in), "shellQuote(%q)", in)
	}
}

// TestServeCutsOffSlowBody: a client trickling its body (slowloris) is cut
// off within the read timeout, not held open for as long as it trickles.
func TestServeCutsOffSlowBody(t *testing.T) {
	t.Parallel()
	vars, _, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret, "--read-timeout", "1s")
	host := strings.TrimPrefix(vars["STYTCH_BASE_URL"], "http://")
	conn, err := net.Dial("tcp", host)
	require.NoError(t, err)
	defer conn.Close()
	path := "/v1/b2b/sso/saml/" + vars["STYTCH_ORGANIZATION_ID"] + "/connections/" + vars["STYTCH_SAML_CONNECTION_ID"]
	auth := base64.StdEncoding.EncodeToString([]byte(serveProject + ":" + serveSecret))
	start := time.Now()
	_, err = fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", path, host, auth)
	require.NoError(t, err)
	trickled := make(chan int, 1)
	go func() {
		n := 0
		for ; n < 1000; n++ {
			if _, err := conn.Write([]byte(" ")); err != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		trickled <- n
	}()
	require.NoError(t, conn.SetReadDeadline(testutil.HangDeadline(t)))
	_, err = io.Copy(io.Discard, conn) // until the server closes the connection
	var netErr net.Error
	require.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the server never closed the connection: %v", err)
	elapsed := time.Since(start)
	conn.Close()
	n := <-trickled
	t.Logf("connection closed %v after the request started, %d body bytes trickled", elapsed.Round(time.Millisecond), n)
	// The trickle lasts 1000 x 100 ms: a server that waits for the whole
	// body is not cut off by a read timeout of one second. A ratio, not a
	// wall-clock budget, so a slow machine does not fail it.
	assert.Less(t, n, 1000, "the server read the whole trickle, %v", elapsed)
	assert.Equal(t, 0, stop())
}

// TestServeLimitsHeaders: a request with oversized headers is refused.
func TestServeLimitsHeaders(t *testing.T) {
	t.Parallel()
	vars, _, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret)
	req, err := http.NewRequest(http.MethodPut, vars["STYTCH_BASE_URL"]+"/v1/b2b/sso/saml/o/connections/c", strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("X-Big", strings.Repeat("a", 2*serveMaxHeaderBytes))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	assert.Equal(t, 0, stop())
}

// TestServeReadyFile: once listening, serve writes the same lines it prints
// to --ready-file (a stale file from an earlier run is removed first, so it
// never looks ready early); the file is removed when serve stops. Not
// parallel: it takes the secret from STYTCH_SECRET.
func TestServeReadyFile(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "serve.env")
	require.NoError(t, os.WriteFile(ready, []byte("STYTCH_BASE_URL=http://stale\n"), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
	done := make(chan int, 1)
	t.Setenv("STYTCH_SECRET", serveSecret)
	go func() {
		done <- serve(ctx, []string{"--project-id", serveProject, "--ready-file", ready}, stdout, stderr)
	}()
	var data []byte
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(ready)
		if err != nil || strings.Contains(string(b), "stale") {
			return false
		}
		data = b
		return true
	}, time.Until(testutil.HangDeadline(t)), 10*time.Millisecond, "serve never wrote --ready-file; stderr: %s", stderr.String())
	assert.Equal(t, stdout.String(), string(data), "the file holds the printed lines")
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		vars[k] = v
	}
	// Ready means listening: the first request succeeds.
	saml := vars["STYTCH_BASE_URL"] + "/v1/b2b/sso/saml/" + vars["STYTCH_ORGANIZATION_ID"] + "/connections/" + vars["STYTCH_SAML_CONNECTION_ID"]
	assert.Equal(t, http.StatusOK, put(t, http.DefaultClient, saml, serveSecret), "the secret came from STYTCH_SECRET")
	assert.NotContains(t, string(data), serveSecret)
	assert.NotContains(t, stderr.String(), "--secret on the command line", "no ps warning when the secret came from the environment")
	cancel()
	assert.Equal(t, 0, <-done)
	assert.NoFileExists(t, ready, "removed on exit")
}

// TestServeAccessLogRedactsEncodings: the access log never holds the
// secret, in any encoding (the Basic credential, base64 at any offset, URL
// escaped), whatever a client puts in the path.
func TestServeAccessLogRedactsEncodings(t *testing.T) {
	t.Parallel()
	vars, stderr, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret)
	pair := serveProject + ":" + serveSecret
	forms := []string{
		serveSecret,
		base64.StdEncoding.EncodeToString([]byte(pair)),
		base64.RawURLEncoding.EncodeToString([]byte("x" + serveSecret + "y")),
		base64.RawURLEncoding.EncodeToString([]byte("xy" + serveSecret)),
		url.PathEscape(serveSecret + "/!"),
	}
	for _, f := range forms {
		assert.Equal(t, http.StatusNotFound, put(t, http.DefaultClient, vars["STYTCH_BASE_URL"]+"/v1/echo/"+url.PathEscape(f)+"/end", serveSecret))
	}
	assert.Equal(t, 0, stop())
	log := stderr.String()
	assert.Contains(t, log, "/v1/echo/", "the requests were logged")
	for _, f := range forms {
		assert.NotContains(t, log, f)
	}
	assert.NotContains(t, log, base64.StdEncoding.EncodeToString([]byte(pair))[:40])
}
