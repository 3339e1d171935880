package sso

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSecretCanaries drives every path (success, each error, transport
// failures, decode failures, debug logging) with canary credentials,
// session tokens, JWTs and private keys, and checks none of them appears in
// an error string or in the log.
func TestSecretCanaries(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	signingKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	key2, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	encKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key2)}))
	const (
		secret = "secret-test-CANARY-SECRET-7f3a9c"
		token  = "session-token-CANARY-TOKEN-b2e4"
		jwt    = "eyJhbGciOiJSUzI1NiJ9.CANARY-JWT-PAYLOAD.c2ln"
	)
	keyMaterial := func(k string) string { i := strings.Index(k, "\n") + 1; return k[i : i+40] }
	basic := base64.StdEncoding.EncodeToString([]byte(testProjectID + ":" + secret))
	canaries := []string{secret, token, jwt, keyMaterial(signingKey), keyMaterial(encKey), basic, "CANARY"}

	refused, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedURL := "http://" + refused.Addr().String()
	require.NoError(t, refused.Close())

	respond := func(status int, ct, body string) func(http.ResponseWriter, *http.Request, int) {
		return func(w http.ResponseWriter, r *http.Request, _ int) {
			if ct != "" {
				w.Header().Set("Content-Type", ct)
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	type path struct {
		name    string
		respond func(http.ResponseWriter, *http.Request, int)
		baseURL string
		timeout time.Duration
	}
	paths := []path{
		{name: "success", respond: okResponder},
		{name: "HTML 502", respond: respond(502, "text/html", "<html>bad gateway</html>")},
		{name: "empty 500", respond: respond(500, "", "")},
		{name: "truncated error", respond: respond(400, "application/json", `{"error_type":"x`)},
		{name: "truncated 200", respond: respond(200, "application/json", samlOK[:90])},
		{name: "wrong content type", respond: respond(200, "text/plain", samlOK)},
		{name: "no connection", respond: respond(200, "application/json", `{"request_id":"r","status_code":200}`)},
		{name: "connection refused", baseURL: refusedURL},
		{name: "timeout", timeout: 30 * time.Millisecond, respond: func(_ http.ResponseWriter, r *http.Request, _ int) { waitGone(r) }},
		{name: "too large", respond: respond(200, "application/json", strings.Repeat(" ", 2<<20))},
	}
	for _, status := range []int{400, 401, 403, 404, 429, 500} {
		paths = append(paths, path{name: fmt.Sprint(status), respond: respond(status, "application/json", errorBody(status, "e"))})
	}
	for _, p := range paths {
		for _, member := range []CallOption{WithMemberSessionToken(token), WithMemberSessionJWT(jwt)} {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				var logs syncBuffer
				logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				opts := []Option{WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 2}), WithMaxResponseBytes(1 << 20), withWaitHook(noWait)}
				baseURL := p.baseURL
				if baseURL == "" {
					_, rec := setup(t, p.respond)
					baseURL = rec.srv.URL
				}
				c, err := New(testProjectID, secret, append(opts, WithBaseURL(baseURL))...)
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)
				ctx := context.Background()
				if p.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, p.timeout)
					defer cancel()
				}
				_, callErr := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, &UpdateSAMLConnectionParams{
					SigningPrivateKey:        Ptr(signingKey),
					SAMLEncryptionPrivateKey: Ptr(encKey),
					DisplayName:              Ptr("Acme"),
				}, member)
				if p.name == "success" {
					require.NoError(t, callErr)
				} else {
					require.Error(t, callErr)
				}
				assert.Contains(t, logs.String(), "op=UpdateSAMLConnection", "debug logging is on")
				for _, canary := range canaries {
					if callErr != nil {
						assert.NotContains(t, callErr.Error(), canary)
						assert.NotContains(t, fmt.Sprintf("%+v %#v", callErr, callErr), canary)
					}
					assert.NotContains(t, logs.String(), canary)
				}
			})
		}
	}
}
