package sso

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/scrub"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestSecretCanaries drives every path (success, each error, transport
// failures, decode failures, debug logging) with canary credentials,
// session tokens, JWTs and private keys, and checks none of them appears in
// an error string or in the log.
func TestSecretCanaries(t *testing.T) {
	t.Parallel()
	signingKey := testutil.RSAPKCS1PEM(t, 1024)
	encKey := testutil.RSAPKCS1PEM(t, 1024)
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
		{name: "timeout", timeout: 30 * time.Millisecond, respond: func(_ http.ResponseWriter, r *http.Request, _ int) { waitGone(t, r) }},
		{name: "too large", respond: respond(200, "application/json", strings.Repeat(" ", 2<<20))},
	}
	for _, status := range []int{400, 401, 403, 404, 429, 500} {
		paths = append(paths, path{name: fmt.Sprint(status), respond: respond(status, "application/json", errorBody(status, "e"))})
	}
	for _, p := range paths {
		for _, member := range []CallOption{WithMemberSessionToken(token), WithMemberSessionJWT(jwt)} {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				var logs testutil.SyncBuffer
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
				_, callErr := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, &SAMLConnectionUpdate{
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

// echoCanaries are the secrets of TestEchoedSecrets. The secret holds
// characters that URL and JSON escaping change, so each encoding differs
// from the raw value.
const (
	echoSecret = "secret-test-CANARY/SECRET+7f3a9c=="
	echoToken  = "session-token-CANARY-TOKEN-b2e4/Zx+"
	echoJWT    = "eyJhbGciOiJSUzI1NiJ9.eyJDQU5BUlkiOiJKV1QifQ.CANARY-JWT-c2ln"
)

// echoOf is everything a hostile server or proxy could echo back of the
// request it received: the Authorization header, the Basic credential
// decoded, the member session header, the secret base64- and URL-encoded,
// the private keys from the body decoded, and the raw body itself.
func echoOf(t *testing.T, r *http.Request, body []byte) (full, header string) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		t.Errorf("no Basic credentials in the request")
	}
	member := r.Header.Get("X-Stytch-Member-Session") + r.Header.Get("X-Stytch-Member-SessionJWT")
	var params map[string]any
	_ = json.Unmarshal(body, &params)
	signing, _ := params["signing_private_key"].(string)
	header = "Authorization: " + r.Header.Get("Authorization") + " user=" + user + " pass=" + pass + " member=" + member
	full = strings.Join([]string{header,
		"b64=" + base64.StdEncoding.EncodeToString([]byte(pass)),
		"b64url=" + base64.RawURLEncoding.EncodeToString([]byte(member)),
		"q=" + url.QueryEscape(pass), "path=" + url.PathEscape(member),
		"key=" + signing, "body=" + string(body)}, "\n")
	return full, header
}

// base64Leaks returns what any run of base64 characters in s decodes to, at
// every alignment and in both alphabets, when that holds "CANARY": it finds
// a secret in a base64 text cut anywhere, as a sample of an echoed
// Authorization header is.
func base64Leaks(s string) []string {
	var leaks []string
	isB64 := func(r rune) bool {
		return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("+/-_", r)
	}
	for _, run := range strings.FieldsFunc(s, func(r rune) bool { return !isB64(r) }) {
		for skip := 0; skip < 4 && skip < len(run); skip++ {
			part := run[skip:]
			part = part[:len(part)/4*4]
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				// Decode what decodes: a run may mix alphabets.
				dec, _ := enc.DecodeString(part)
				if bytes.Contains(dec, []byte("CANARY")) {
					leaks = append(leaks, run)
				}
			}
		}
	}
	return leaks
}

// echoChannel is one way text a server sends reaches an error or the log.
type echoChannel struct {
	name   string
	status int
	// ct is the Content-Type, given the short echo (application/json when
	// nil); a channel with ct set carries the echo in a header when header
	// is true.
	ct     func(echo string) string
	header bool
	body   func(echo string) string
	// enforced: the response breaks the contract, so enforce mode fails
	// it with a contract error instead.
	enforced bool
}

// echoChannels are the channels of the echo tests.
func echoChannels() []echoChannel {
	jsonString := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return []echoChannel{
		{name: "error_message", status: 400, body: func(e string) string {
			return `{"status_code":400,"request_id":"r","error_type":"bad_request","error_message":` + jsonString(e) + `}`
		}},
		{name: "error_type", status: 401, body: func(e string) string {
			return `{"status_code":401,"request_id":"r","error_type":` + jsonString(e) + `,"error_message":"m"}`
		}},
		{name: "request_id on an error", status: 404, body: func(e string) string {
			return `{"status_code":404,"request_id":` + jsonString(e) + `,"error_type":"not_found","error_message":"m"}`
		}},
		{name: "request_id on a 200 without connection", status: 200, enforced: true, body: func(e string) string {
			return `{"status_code":200,"request_id":` + jsonString(e) + `}`
		}},
		{name: "error_details", status: 400, body: func(e string) string {
			return `{"status_code":400,"request_id":"r","error_type":"bad","error_message":"m","error_details":{"echo":` + jsonString(e) +
				`,` + jsonString(e) + `:[` + jsonString(e) + `,{"deep":` + jsonString(e) + `}]}}`
		}},
		{name: "HTML 5xx body sample", status: 502, ct: func(string) string { return "text/html" }, body: func(e string) string {
			return "<html><body>Proxy error. Your request: " + e + "</body></html>"
		}},
		{name: "Content-Type of a 200", status: 200, enforced: true, header: true, ct: func(h string) string { return "text/plain; echo=" + h }, body: func(string) string { return samlOK }},
		{name: "time parse error quoting created_at", status: 200, enforced: true, body: func(e string) string {
			return strings.Replace(samlOK, `"encryption_private_keys":[]`,
				`"encryption_private_keys":[{"created_at":`+jsonString(e)+`,"private_key":"k","encryption_private_key_id":"x"}]`, 1)
		}},
	}
}

// echoCall has a server answer every request through ch with what echo
// makes of it (the full echo for the body, a short one for a header), and
// calls it with the options given. It checks that the call failed the way
// ch is about (unless enforce mode fails it first), and returns what may
// not show a secret: the error's Error(), %+v, %#v, of the *APIError too,
// and the debug log.
func echoCall(t *testing.T, ch echoChannel, variant string, echo func(r *http.Request, body []byte) (full, header string),
	opts []Option, params *SAMLConnectionUpdate, callOpts ...CallOption) map[string]string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		full, header := echo(r, body)
		ct := "application/json"
		if ch.ct != nil {
			ct = ch.ct(header)
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(ch.status)
		_, _ = io.WriteString(w, ch.body(full))
	}))
	defer srv.Close()
	var logs testutil.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(testProjectID, echoSecret, append([]Option{WithBaseURL(srv.URL), WithLogger(logger), WithoutRetries()}, opts...)...)
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, callErr := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, params, callOpts...)
	require.Error(t, callErr)
	var apiErr *APIError
	if variant != "validate-enforce" || !ch.enforced {
		// The channel was really exercised: the failure is the one this
		// case is about.
		if ch.status == 200 {
			require.ErrorIs(t, callErr, ErrDecode)
		} else {
			require.ErrorAs(t, callErr, &apiErr)
			require.Equal(t, ch.status, apiErr.StatusCode)
		}
	}
	require.Contains(t, logs.String(), "op=UpdateSAMLConnection", "debug logging is on")
	outputs := map[string]string{
		"Error()": callErr.Error(),
		"%+v":     fmt.Sprintf("%+v", callErr),
		"%#v":     fmt.Sprintf("%#v", callErr),
		"log":     logs.String(),
	}
	if errors.As(callErr, &apiErr) {
		outputs["%#v of *APIError"] = fmt.Sprintf("%#v", apiErr)
		outputs["%+v of *APIError"] = fmt.Sprintf("%+v", *apiErr)
	}
	return outputs
}

// TestEchoedSecrets has a server echo everything it received, secrets and
// their encodings included, through every channel that reaches an error or
// the debug log, and checks that none of it gets out: not in Error(), %+v,
// %#v, nor the debug log, raw, base64 (even cut) or URL-encoded.
func TestEchoedSecrets(t *testing.T) {
	t.Parallel()
	signingKey := testutil.RSAPKCS1PEM(t, 1024)
	keyLines := strings.Split(strings.TrimSpace(signingKey), "\n")
	basic := base64.StdEncoding.EncodeToString([]byte(testProjectID + ":" + echoSecret))
	canaries := []string{"CANARY", echoSecret, echoToken, echoJWT, basic, basic[:40], basic[40:80],
		base64.StdEncoding.EncodeToString([]byte(echoSecret)), base64.RawURLEncoding.EncodeToString([]byte(echoToken)),
		url.QueryEscape(echoSecret), url.PathEscape(echoToken), keyLines[1], keyLines[len(keyLines)-2]}
	for _, ch := range echoChannels() {
		for variant, vopts := range faultVariants {
			for _, member := range []CallOption{WithMemberSessionToken(echoToken), WithMemberSessionJWT(echoJWT)} {
				t.Run(ch.name+"/"+variant, func(t *testing.T) {
					t.Parallel()
					outputs := echoCall(t, ch, variant, func(r *http.Request, body []byte) (string, string) { return echoOf(t, r, body) },
						vopts, &SAMLConnectionUpdate{SigningPrivateKey: Ptr(signingKey), DisplayName: Ptr("Acme")}, member)
					for where, out := range outputs {
						for _, canary := range canaries {
							assert.NotContains(t, out, canary, "%s holds a secret", where)
						}
						assert.Empty(t, base64Leaks(out), "%s holds base64 that decodes to a secret", where)
					}
				})
			}
		}
	}
}

// TestEchoedCutOffSecrets has a server echo cut-off copies of what it
// received (the Authorization header minus its last 4 characters, the
// secret minus its last 6) and an upper-cased secret, and checks that no
// run of scrub.FragmentLen bytes of the secret survives, raw, in any ASCII
// case, or base64-decoded, in Error(), %+v, %#v or the debug log.
func TestEchoedCutOffSecrets(t *testing.T) {
	t.Parallel()
	for _, ch := range echoChannels() {
		switch ch.name {
		case "error_message", "request_id on an error", "error_details", "HTML 5xx body sample", "Content-Type of a 200":
		default:
			continue
		}
		for variant, vopts := range faultVariants {
			t.Run(ch.name+"/"+variant, func(t *testing.T) {
				t.Parallel()
				outputs := echoCall(t, ch, variant, func(r *http.Request, _ []byte) (string, string) {
					auth := r.Header.Get("Authorization")
					_, pass, _ := r.BasicAuth()
					// Short pieces first: the HTML sample and the Content-Type
					// are cut at about 100 characters.
					echo := "key " + pass[:len(pass)-6] + " up " + strings.ToUpper(pass) + " auth " + auth[:len(auth)-4]
					return echo, echo
				}, vopts, &SAMLConnectionUpdate{DisplayName: Ptr("Acme")})
				for where, out := range outputs {
					assert.Empty(t, secretRuns(out, echoSecret), "%s holds a run of the secret", where)
				}
			})
		}
	}
}

// secretRuns returns the runs of scrub.FragmentLen bytes of secret that s
// holds: as they are, in any ASCII case, or decoded from any run of base64
// characters at any alignment, in either alphabet.
func secretRuns(s, secret string) []string {
	var windows []string
	for i := 0; i+scrub.FragmentLen <= len(secret); i++ {
		windows = append(windows, secret[i:i+scrub.FragmentLen])
	}
	var runs []string
	find := func(text string) {
		for _, w := range windows {
			if strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
				runs = append(runs, w)
			}
		}
	}
	find(s)
	isB64 := func(r rune) bool {
		return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("+/-_", r)
	}
	for _, run := range strings.FieldsFunc(s, func(r rune) bool { return !isB64(r) }) {
		for skip := 0; skip < 4 && skip < len(run); skip++ {
			part := run[skip:]
			part = part[:len(part)/4*4]
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				dec, _ := enc.DecodeString(part)
				find(string(dec))
			}
		}
	}
	return runs
}

// TestEchoedSecretsInTransportErrors has a raw server answer with a
// malformed header line echoing the Authorization header and the secret, as
// they are and in each hostile encoding a header can carry, which net/http
// quotes in its error.
func TestEchoedSecretsInTransportErrors(t *testing.T) {
	t.Parallel()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testProjectID+":"+echoSecret))
	encs := []testutil.HostileEncoding{{Name: "as is", Encode: func(s string) string { return s }, HeaderSafe: true}}
	for _, enc := range append(encs, testutil.HostileEncodings()...) {
		if !enc.HeaderSafe {
			continue
		}
		t.Run(enc.Name, func(t *testing.T) {
			t.Parallel()
			url, stop := rawServer(t, func(conn net.Conn) {
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"+enc.Encode(basic)+" "+enc.Encode(echoSecret)+"\r\n\r\n")
			})
			defer stop()
			var logs testutil.SyncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := New(testProjectID, echoSecret, WithBaseURL(url), WithLogger(logger), WithoutRetries())
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			_, callErr := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			require.Error(t, callErr)
			require.Contains(t, callErr.Error(), "malformed MIME header", "the transport error is the one this case is about")
			for _, out := range []string{callErr.Error(), fmt.Sprintf("%+v", callErr), fmt.Sprintf("%#v", callErr), logs.String()} {
				assert.NotContains(t, out, "CANARY")
				assert.NotContains(t, out, basic[6:])
				assert.Empty(t, base64Leaks(out))
				assert.Empty(t, testutil.Reveals(out, "CANARY"), "shows a secret: %s", out)
			}
		})
	}
}
