package sso

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/scrub"
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
	for _, enc := range testutil.HostileEncodings() {
		for _, ch := range echoChannels() {
			if ch.header && !enc.HeaderSafe {
				continue // a header cannot carry this echo
			}
			for variant, vopts := range faultVariants {
				t.Run(enc.Name+"/"+ch.name+"/"+variant, func(t *testing.T) {
					t.Parallel()
					var echo string
					outputs := echoCall(t, ch, variant, func(r *http.Request, _ []byte) (string, string) {
						_, pass, _ := r.BasicAuth()
						echo = enc.Encode(pass) + " " + enc.Encode(r.Header.Get("X-Stytch-Member-Session"))
						return echo, echo
					}, vopts, &SAMLConnectionUpdate{DisplayName: Ptr("Acme")}, WithMemberSessionToken(echoToken))
					require.NotEmpty(t, testutil.Reveals(echo, "CANARY"), "the oracle sees the secret in the echo")
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

// TestSecretSplitAcrossFields: a server that cuts the secret into pieces
// shorter than scrub.FragmentLen and sends one piece per field (request_id,
// error_type, error_message) or per string of error_details gets past the
// cleaning of each field alone, but not into Error(), %+v, %#v or the debug
// log, where the pieces are printed side by side: no scrub.FragmentLen
// characters in a row of the secret, ignoring case and punctuation.
func TestSecretSplitAcrossFields(t *testing.T) {
	t.Parallel()
	a, b, c := echoSecret[:12], echoSecret[12:24], echoSecret[24:]
	for name, body := range map[string]string{
		"fields": fmt.Sprintf(`{"status_code":400,"request_id":%q,"error_type":%q,"error_message":%q}`, c, a, b),
		"error_details": fmt.Sprintf(`{"status_code":400,"request_id":"r","error_type":"t","error_message":"m","error_details":{"x":[%q,%q,%q]}}`,
			a, b, c),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			outputs := echoCall(t, echoChannel{name: name, status: 400, body: func(string) string { return body }}, "plain",
				func(*http.Request, []byte) (string, string) { return "", "" }, nil, nil)
			folded := alnumLower(echoSecret)
			for where, out := range outputs {
				for i := 0; i+scrub.FragmentLen <= len(folded); i++ {
					if !assert.NotContains(t, alnumLower(out), folded[i:i+scrub.FragmentLen], "%s shows the secret: %s", where, out) {
						break
					}
				}
			}
		})
	}
}

// alnumLower keeps the ASCII letters, lower-cased, and digits of s.
func alnumLower(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
