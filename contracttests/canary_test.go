package contracttests

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/recording"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// pemCanaries returns pieces of a PEM key that must never leak: every base64
// line of its body (a line is 64 characters, plenty to be unique).
func pemCanaries(pemText string) []string {
	var out []string
	for _, line := range strings.Split(pemText, "\n") {
		if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	return out
}

// rewriteJSON wraps a handler (the provider) and lets edit change each
// JSON object body it answers before it is sent.
func rewriteJSON(next http.Handler, edit func(r *http.Request, status int, body map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if err := json.Unmarshal(body, &m); err == nil {
			edit(r, rec.Code, m)
			body, _ = json.Marshal(m)
		}
		for k, vs := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = vs
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// leakyResponses wraps the provider and adds an undeclared field holding a
// private key to every 200 body, so that enforce and monitor mode have a
// violation to describe, about a value that must never be quoted.
func leakyResponses(next http.Handler, secretValue string) http.Handler {
	return rewriteJSON(next, func(_ *http.Request, status int, m map[string]any) {
		if status == http.StatusOK {
			m["undeclared_private_key"] = secretValue
		}
	})
}

// TestSecretCanaries drives every path of the module with canary
// credentials, session tokens, JWTs and private keys: success and every
// error, validation in report and enforce mode, debug logging of the client
// and of the validating transport, recordings written to disk, and the errors
// of a recording that fails. No canary may appear in anything printed,
// logged, returned as an error string or written to disk.
func TestSecretCanaries(t *testing.T) {
	const (
		canarySecret = "secret-test-CANARY-d41d8c"
		canaryToken  = "session-token-CANARY-0c4f2e"
		canaryJWT    = "eyJhbGciOiJSUzI1NiJ9.CANARY-claims.Q0FOQVJZ"
		canaryDenied = "session-token-CANARY-denied-a3b1"
	)
	fx := newFixtures(t)
	canaries := append([]string{canarySecret, canaryToken, canaryJWT, canaryDenied, "CANARY"},
		append(pemCanaries(fx.signingKey), pemCanaries(fx.encryptionKey)...)...)

	var sink testutil.SyncBuffer // everything the module logs, returns or writes
	logger := slog.New(slog.NewTextHandler(&sink, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := testutil.HangGuard(t, "every scenario in every mode with canary secrets")

	for _, mode := range []contract.Mode{contract.Monitor, contract.Enforce} {
		for _, leaky := range []bool{false, true} {
			name := fmt.Sprintf("mode=%v/leaky=%v", mode, leaky)
			t.Run(name, func(t *testing.T) {
				p, err := provider.New(provider.Config{
					ProjectID: localProjectID, Secret: canarySecret,
					Sessions: map[string]bool{canaryToken: true, canaryJWT: true, canaryDenied: false},
				})
				require.NoError(t, err)
				var h http.Handler = p
				if leaky {
					h = leakyResponses(p, fx.signingKey)
				}
				srv := httptest.NewServer(h)
				defer srv.Close()
				seed := p.Seeded()
				tg := &target{name: "canary", baseURL: srv.URL, projectID: localProjectID, secret: canarySecret,
					orgID: seed.OrganizationID, orgSlug: seed.OrganizationSlug, samlID: seed.SAMLConnectionID, externalID: seed.ExternalConnectionID,
					sessionToken: canaryToken, sessionJWT: canaryJWT, deniedSession: canaryDenied, local: p, honoursPrefer: true}
				v := strictValidator(t)
				reported := 0
				for _, s := range scenarios() {
					secret := tg.secret
					if s.wrongSecret {
						secret = canarySecret + "-wrong"
					}
					opts := []sso.Option{sso.WithBaseURL(tg.baseURL), sso.WithoutRetries(), sso.WithLogger(logger),
						validation(t, v, contract.CheckConfig{Mode: mode, Logger: logger,
							OnViolation: func(_ context.Context, pr *contract.Pair, vs []contract.Violation) {
								reported++
								for _, x := range vs {
									fmt.Fprintln(&sink, x.String())
								}
							}})}
					if s.prefer != 0 {
						opts = append(opts, preferStatus(s.prefer))
					}
					c, err := sso.New(tg.projectID, secret, opts...)
					require.NoError(t, err)
					got, err := s.call(ctx, c, tg, fx)
					if err != nil {
						fmt.Fprintf(&sink, "%s: %v | %+v | %#v\n", s.id(), err, err, err.Error())
						var ce *contract.ViolationError
						if errors.As(err, &ce) {
							for _, x := range ce.Violations {
								fmt.Fprintln(&sink, x.String())
							}
						}
						var ae *sso.APIError
						if errors.As(err, &ae) {
							fmt.Fprintf(&sink, "%+v\n", *ae)
						}
					} else {
						fmt.Fprintf(&sink, "%s: ok %s\n", s.id(), got.connectionID)
					}
					c.CloseIdleConnections()
				}
				if leaky {
					assert.Positive(t, reported, "the undeclared field must be reported, so its message is checked")
				}
			})
		}
	}

	// Recordings on disk, and errors from a recording that fails to save.
	dir := t.TempDir()
	// The same fixtures as above, so the key canaries cover the recordings.
	tg := canaryLocalTarget(t, canarySecret, canaryToken, canaryJWT, canaryDenied)
	recordAll(ctx, t, tg, fx, dir, "local-provider")

	blocker := filepath.Join(dir, "not-a-directory")
	require.NoError(t, os.WriteFile(blocker, []byte("x"), 0o644))
	rec, err := recording.New(filepath.Join(blocker, "cassette"), recording.WithMode(recording.ModeRecord),
		recording.WithSecrets(canarySecret, canaryToken, fx.signingKey))
	if err == nil {
		req, _ := http.NewRequest(http.MethodPut, tg.baseURL+"/v1/b2b/sso/saml/"+tg.orgID+"/connections/"+tg.samlID,
			strings.NewReader(`{"signing_private_key":`+string(must(json.Marshal(fx.signingKey)))+`}`))
		req.SetBasicAuth(tg.projectID, canarySecret)
		req.Header.Set(names.HeaderMemberSession, canaryToken)
		if resp, rtErr := rec.RoundTrip(req); rtErr == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		} else {
			fmt.Fprintf(&sink, "round trip: %v\n", rtErr)
		}
		err = rec.Stop()
	}
	require.Error(t, err, "saving under a regular file must fail")
	fmt.Fprintf(&sink, "failed recording: %v | %+v\n", err, err)

	out := sink.String()
	require.NotEmpty(t, out)
	assert.Contains(t, out, "level=DEBUG", "debug logging was on and produced output")
	for _, c := range canaries {
		assert.NotContains(t, out, c, "a canary reached the logs, an error or a report")
	}
	forEachRecordedFile(t, dir, func(path string, data []byte) {
		for _, c := range canaries {
			assert.NotContains(t, string(data), c, "%s holds a canary", path)
		}
	})
}

// forEachRecordedFile calls fn with the path and content of every file
// under dir (a recording run's output) and returns how many there were.
func forEachRecordedFile(t *testing.T, dir string, fn func(path string, data []byte)) int {
	t.Helper()
	files := 0
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		fn(path, data)
		return nil
	}))
	return files
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
