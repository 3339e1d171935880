package contracttests

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// hostileEcho wraps the provider so that every answer echoes the request's
// secret and member session token in enc: in an undeclared field of a 200
// and in the error_message of an error, and as the names of undeclared
// fields of both (which pkg/contract names in its violations: they reach
// the Checker's log, its OnViolation callback and the errors redacted with
// the call's secrets, see contract.Pair's Redact).
func hostileEcho(next http.Handler, enc testutil.HostileEncoding) http.Handler {
	return rewriteJSON(next, func(r *http.Request, status int, m map[string]any) {
		_, pass, _ := r.BasicAuth()
		token := r.Header.Get(names.HeaderMemberSession)
		echo := enc.Encode(pass) + " " + enc.Encode(token)
		if status == http.StatusOK {
			m["undeclared_echo"] = echo
		} else {
			m["error_message"] = echo
		}
		m[enc.Encode(pass)] = 1
		m[enc.Encode(token)] = 2
	})
}

// TestHostileEchoEndToEnd has the local provider echo the project secret
// and the member session token in each encoding of issue 21 section 5 on
// every answer, a success and an error, through the client with validation
// in monitor and enforce mode and the recorder underneath: no decoding of
// the errors, the debug log, the violation reports or the recordings shows
// either secret.
func TestHostileEchoEndToEnd(t *testing.T) {
	t.Parallel()
	const (
		secret = "secret-test-CANARY-hostile-5e1f09"
		token  = "session-token-CANARY-hostile-7a2c41"
	)
	v := strictValidator(t)
	for _, enc := range testutil.HostileEncodings() {
		t.Run(enc.Name, func(t *testing.T) {
			t.Parallel()
			ctx := testutil.HangGuard(t, "calls against a provider echoing secrets")
			p, err := provider.New(provider.Config{ProjectID: localProjectID, Secret: secret, Sessions: map[string]bool{token: true}})
			require.NoError(t, err)
			srv := httptest.NewServer(hostileEcho(p, enc))
			defer srv.Close()
			seed := p.Seeded()
			dir := t.TempDir()
			var sink testutil.SyncBuffer
			logger := slog.New(slog.NewTextHandler(&sink, &slog.HandlerOptions{Level: slog.LevelDebug}))
			reported := 0
			for _, mode := range []contract.Mode{contract.Monitor, contract.Enforce} {
				for _, org := range []string{seed.OrganizationID, "organization-test-missing"} {
					rec, err := recording.New(filepath.Join(dir, fmt.Sprintf("%v-%d", mode, len(org))), recording.WithMode(recording.ModeRecord),
						recording.WithSecrets(token))
					require.NoError(t, err)
					c, err := sso.New(localProjectID, secret, sso.WithBaseURL(srv.URL), sso.WithoutRetries(), sso.WithLogger(logger),
						sso.WithHTTPClient(rec.Client()),
						validation(t, v, contract.CheckConfig{Mode: mode, Logger: logger, OnViolation: func(_ context.Context, _ *contract.Pair, vs []contract.Violation) {
							reported++
							for _, x := range vs {
								fmt.Fprintln(&sink, x.String())
							}
						}}))
					require.NoError(t, err)
					_, err = c.UpdateSAMLConnection(ctx, org, seed.SAMLConnectionID,
						&sso.SAMLConnectionUpdate{DisplayName: sso.Ptr("Acme")}, sso.WithMemberSessionToken(token))
					if err != nil {
						fmt.Fprintf(&sink, "%v | %+v | %#v\n", err, err, err)
					}
					c.CloseIdleConnections()
					if err := rec.Stop(); err != nil {
						fmt.Fprintf(&sink, "recording: %v\n", err)
					}
				}
			}
			require.NoError(t, ctx.Err(), "the hang guard fired")
			assert.Positive(t, reported, "monitor mode reported the undeclared field, so its message is checked")
			out := sink.String()
			assert.Contains(t, out, "level=DEBUG", "debug logging was on")
			assert.Empty(t, testutil.Reveals(out, "CANARY"), "the logs, errors or reports show a secret:\n%s", out)
			files := forEachRecordedFile(t, dir, func(path string, data []byte) {
				assert.Empty(t, testutil.Reveals(string(data), "CANARY"), "%s shows a secret:\n%s", path, data)
				assert.NotContains(t, strings.ToLower(string(data)), "canary")
			})
			assert.Equal(t, 4, files, "every call was recorded")
		})
	}
}
