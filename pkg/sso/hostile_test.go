package sso

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestEchoedSecretsInHostileEncodings has a server echo the project secret
// and the member session token in each encoding of issue 21 section 5 (hex,
// UTF-16, separated characters, percent escapes of every byte, HTML
// entities, quoted-printable, base32, fullwidth letters) through every
// channel that reaches an error or the debug log, and checks that no
// decoding of Error(), %+v, %#v or the log shows either of them.
func TestEchoedSecretsInHostileEncodings(t *testing.T) {
	t.Parallel()
	jsonString := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	type channel struct {
		name   string
		status int
		header bool // the echo travels in a header
		ct     func(echo string) string
		body   func(echo string) string
	}
	channels := []channel{
		{name: "error_message", status: 400, body: func(e string) string {
			return `{"status_code":400,"request_id":"r","error_type":"bad_request","error_message":` + jsonString(e) + `}`
		}},
		{name: "error_type", status: 401, body: func(e string) string {
			return `{"status_code":401,"request_id":"r","error_type":` + jsonString(e) + `,"error_message":"m"}`
		}},
		{name: "request_id on an error", status: 404, body: func(e string) string {
			return `{"status_code":404,"request_id":` + jsonString(e) + `,"error_type":"not_found","error_message":"m"}`
		}},
		{name: "request_id on a 200 without connection", status: 200, body: func(e string) string {
			return `{"status_code":200,"request_id":` + jsonString(e) + `}`
		}},
		{name: "error_details", status: 400, body: func(e string) string {
			return `{"status_code":400,"request_id":"r","error_type":"bad","error_message":"m","error_details":{"echo":` + jsonString(e) +
				`,` + jsonString(e) + `:[{"deep":` + jsonString(e) + `}]}}`
		}},
		{name: "HTML 5xx body sample", status: 502, ct: func(string) string { return "text/html" }, body: func(e string) string {
			return "<html><body>" + e + "</body></html>"
		}},
		{name: "Content-Type of a 200", status: 200, header: true, ct: func(e string) string { return "text/plain; echo=" + e }, body: func(string) string { return samlOK }},
	}
	for _, enc := range testutil.HostileEncodings() {
		for _, ch := range channels {
			if ch.header && !enc.HeaderSafe {
				continue // a header cannot carry this echo
			}
			for variant, vopts := range faultVariants {
				t.Run(enc.Name+"/"+ch.name+"/"+variant, func(t *testing.T) {
					t.Parallel()
					var echo string
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						_, pass, _ := r.BasicAuth()
						echo = enc.Encode(pass) + " " + enc.Encode(r.Header.Get("X-Stytch-Member-Session"))
						ct := "application/json"
						if ch.ct != nil {
							ct = ch.ct(echo)
						}
						w.Header().Set("Content-Type", ct)
						w.WriteHeader(ch.status)
						_, _ = io.WriteString(w, ch.body(echo))
					}))
					defer srv.Close()
					var logs testutil.SyncBuffer
					logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
					c, err := New(testProjectID, echoSecret, append([]Option{WithBaseURL(srv.URL), WithLogger(logger), WithoutRetries()}, vopts...)...)
					require.NoError(t, err)
					defer c.CloseIdleConnections()
					_, callErr := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID,
						&SAMLConnectionUpdate{DisplayName: Ptr("Acme")}, WithMemberSessionToken(echoToken))
					require.Error(t, callErr)
					require.NotEmpty(t, testutil.Reveals(echo, "CANARY"), "the oracle sees the secret in the echo")
					require.Contains(t, logs.String(), "op=UpdateSAMLConnection", "debug logging is on")
					if variant == "plain" {
						// The channel was really exercised.
						var apiErr *APIError
						if ch.status == 200 {
							require.ErrorIs(t, callErr, ErrDecode)
						} else {
							require.ErrorAs(t, callErr, &apiErr)
							require.Equal(t, ch.status, apiErr.StatusCode)
						}
					}
					outputs := map[string]string{
						"Error()": callErr.Error(),
						"%+v":     fmt.Sprintf("%+v", callErr),
						"%#v":     fmt.Sprintf("%#v", callErr),
						"log":     logs.String(),
					}
					var apiErr *APIError
					if errors.As(callErr, &apiErr) {
						outputs["%#v of *APIError"] = fmt.Sprintf("%#v", apiErr)
						outputs["%+v of *APIError"] = fmt.Sprintf("%+v", *apiErr)
					}
					for where, out := range outputs {
						assert.Empty(t, testutil.Reveals(out, "CANARY"), "%s shows a secret: %s", where, out)
						assert.NotContains(t, strings.ToLower(out), "canary")
					}
				})
			}
		}
	}
}

// TestUnregisteredSecretsRemovedByShape: a server echoing a private key, a
// JWT or a session token the client never registered (another member's, a
// key from elsewhere) gets none of them into Error(), %+v, %#v or the
// debug log: they are found by their shape.
func TestUnregisteredSecretsRemovedByShape(t *testing.T) {
	t.Parallel()
	key := testutil.RSAPKCS1PEM(t, 1024)
	keyLine := strings.Split(key, "\n")[1]
	const (
		jwt   = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtZW1iZXIifQ.c2lnbmF0dXJlLWNhbmFyeQ"
		token = "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
	)
	echo := "jwt " + jwt + " token " + token + " key " + key
	jsonString := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	for name, body := range map[string]string{
		"error_message": `{"status_code":400,"request_id":"r","error_type":"bad_request","error_message":` + jsonString(echo) + `}`,
		"error_details": `{"status_code":400,"request_id":"r","error_type":"bad","error_message":"m","error_details":{"echo":` + jsonString(echo) + `}}`,
		"body sample":   "<p>" + echo,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var logs testutil.SyncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, _ := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, body)
			}, WithoutRetries(), WithLogger(logger))
			_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			for _, out := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", apiErr), logs.String()} {
				for _, secret := range []string{jwt, token, keyLine, keyLine[:20]} {
					assert.NotContains(t, out, secret)
				}
			}
		})
	}
}
