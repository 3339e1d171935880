package recording_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/internal/scrub"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

func TestIsSecretName(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"signing_private_key": true, "saml_encryption_private_key": true, "private_key": true,
		"session_token": true, "X-Api-Key": true, "client_secret": true, "Password": true,
		"session_jwt": true, "privateKey": true, "X-Stytch-Member-SessionJWT": true,
		"private_key_id": false, "created_at": false, "session_id": false, "display_name": false,
		"x509_certificate": false, "request_id": false,
	}
	for name, want := range tests {
		assert.Equalf(t, want, recording.IsSecretName(name), "IsSecretName(%q)", name)
	}
}

func TestRedactBody(t *testing.T) {
	t.Parallel()
	const canary = "canary-body-4b7e1a90"
	r := recording.NewRedactor(canary)
	tests := []struct {
		name string
		in   string
		want string // JSON, compared by value; or text
		json bool
	}{
		{"signing key", `{"signing_private_key":"k","display_name":"d"}`,
			`{"signing_private_key":` + jsonQuote(recording.PlaceholderPEM) + `,"display_name":"d"}`, true},
		{"encryption key field", `{"saml_encryption_private_key":"k"}`,
			`{"saml_encryption_private_key":` + jsonQuote(recording.PlaceholderPEM) + `}`, true},
		{"encryption keys in a response", `{"connection":{"encryption_private_keys":[{"private_key_id":"id-1","private_key":"k","created_at":"2026-01-01T00:00:00Z"}]}}`,
			`{"connection":{"encryption_private_keys":[{"private_key_id":"id-1","private_key":` + jsonQuote(recording.PlaceholderPEM) + `,"created_at":"2026-01-01T00:00:00Z"}]}}`, true},
		{"names with secret words keep their type", `{"a_token":"t","jwt":"j","Password":5,"client_secret":{"x":"y","n":[1,"z"]},"secret_flag":true,"token_null":null}`,
			`{"a_token":"REDACTED","jwt":"REDACTED","Password":0,"client_secret":{"x":"REDACTED","n":[0,"REDACTED"]},"secret_flag":true,"token_null":null}`, true},
		{"registered value anywhere", `{"display_name":"x ` + canary + ` y","list":["` + canary + `"],"` + canary + `":1}`,
			`{"display_name":"x REDACTED y","list":["REDACTED"],"REDACTED":1}`, true},
		{"nothing to redact", `{"display_name":"d","n":1.50}`, `{"display_name":"d","n":1.50}`, true},
		{"truncated JSON", `{"signing_private_key":"-----BEGIN RSA PRIVATE KEY-----\nMIIB`, `{"signing_private_key":"REDACTED"`, false},
		{"HTML", `<html>` + canary + `</html>`, `<html>REDACTED</html>`, false},
		{"form", `a=1&session_token=abc&b=2`, `a=1&session_token=REDACTED&b=2`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := string(r.Body([]byte(tt.in)))
			if tt.json {
				assert.JSONEq(t, tt.want, got)
			} else {
				assert.Equal(t, tt.want, got)
			}
			assert.NotContains(t, got, canary)
		})
	}
	assert.Empty(t, r.Body(nil))
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestRedactHeader(t *testing.T) {
	t.Parallel()
	const canary = "canary-header-0c3e55"
	r := recording.NewRedactor(canary)
	in := http.Header{
		"Authorization":              {"Basic " + canary},
		"Proxy-Authorization":        {"Bearer abc"},
		"X-Stytch-Member-Session":    {"tok"},
		"X-Stytch-Member-Sessionjwt": {"jwt"},
		"Cookie":                     {"a=b"},
		"Set-Cookie":                 {"c=d"},
		"X-Api-Token":                {"t"},
		"User-Agent":                 {"ua " + canary},
		"Content-Type":               {"application/json"},
	}
	orig := in.Clone()
	out := r.Header(in)
	assert.Equal(t, orig, in, "the input is not modified")
	assert.Equal(t, recording.PlaceholderAuthorization, out.Get("Authorization"))
	assert.Equal(t, recording.PlaceholderBearer, out.Get("Proxy-Authorization"))
	assert.Equal(t, recording.PlaceholderSessionToken, out.Get("X-Stytch-Member-Session"))
	assert.Equal(t, recording.PlaceholderSessionJWT, out.Get("X-Stytch-Member-SessionJWT"))
	assert.Equal(t, recording.Placeholder, out.Get("Cookie"))
	assert.Equal(t, recording.Placeholder, out.Get("Set-Cookie"))
	assert.Equal(t, recording.Placeholder, out.Get("X-Api-Token"))
	assert.Equal(t, "ua REDACTED", out.Get("User-Agent"))
	assert.Equal(t, "application/json", out.Get("Content-Type"))
	assert.Nil(t, r.Header(nil))
}

func TestPlaceholderAuthorizationDecodes(t *testing.T) {
	t.Parallel()
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", recording.PlaceholderAuthorization)
	user, pass, ok := req.BasicAuth()
	require.True(t, ok)
	assert.Equal(t, recording.PlaceholderProjectID, user)
	assert.Equal(t, recording.PlaceholderSecret, pass)
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	const canary = "canary-url-77aa01"
	r := recording.NewRedactor(canary)
	tests := []struct{ in, want string }{
		{"https://test.stytch.com/v1/b2b/sso/saml/org/connections/c", "https://test.stytch.com/v1/b2b/sso/saml/org/connections/c"},
		{"https://user:pw@h/p", "https://REDACTED:REDACTED@h/p"},
		{"https://h/p?session_token=abc&x=1", "https://h/p?session_token=REDACTED&x=1"},
		{"https://h/" + canary + "?q=" + url.QueryEscape(canary+" x"), "https://h/REDACTED?q=REDACTED+x"},
	}
	for _, tt := range tests {
		got := r.URL(tt.in)
		assert.Equal(t, tt.want, got, "URL(%q)", tt.in)
		assert.NotContains(t, got, canary)
	}
}

func TestTextPathologicalSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct{ secret, in string }{
		{"RED", "xREDy"},
		{"ED", "aEDb"},
		{"DR", "aDRbDRc"},
		{"*", "a*b"},
		{"aa", "aaaaa"},
	}
	for _, tt := range tests {
		r := recording.NewRedactor(tt.secret)
		got := r.Text(tt.in)
		assert.NotContains(t, got, tt.secret, "Text(%q) with secret %q", tt.in, tt.secret)
	}
}

func TestRedactInteraction(t *testing.T) {
	t.Parallel()
	const canary = "canary-interaction-55e0"
	respHeaders := http.Header{"Content-Length": {"99"}, "Set-Cookie": {"s=" + canary}}
	i := &cassette.Interaction{
		Request: cassette.Request{
			URL: "https://h/p?token=" + canary, RequestURI: "/p?token=" + canary,
			Headers:       http.Header{"Authorization": {"Basic x"}},
			Form:          url.Values{"password": {"pw"}, "q": {canary}},
			Body:          `{"signing_private_key":"` + canary + `"}`,
			ContentLength: 40,
		},
		Response: cassette.Response{
			Headers: respHeaders, Body: `{"client_secret":"` + canary + `"}`, ContentLength: 99, Status: "200 OK",
		},
	}
	require.NoError(t, recording.NewRedactor(canary).Interaction(i))
	all, err := json.Marshal(i)
	require.NoError(t, err)
	assert.NotContains(t, string(all), canary)
	assert.Equal(t, int64(len(i.Request.Body)), i.Request.ContentLength)
	assert.Equal(t, int64(len(i.Response.Body)), i.Response.ContentLength)
	assert.Equal(t, []string{"REDACTED"}, i.Request.Form["password"])
	assert.NotEqual(t, "99", i.Response.Headers.Get("Content-Length"))
	assert.Equal(t, "99", respHeaders.Get("Content-Length"), "maps handed out earlier are not modified")
	assert.True(t, strings.HasPrefix(i.Request.URL, "https://h/p?token="))
}

func TestMatch(t *testing.T) {
	t.Parallel()
	r := recording.NewRedactor()
	rec := cassette.Request{
		Method: http.MethodPut, URL: "https://test.stytch.com/v1/x?b=2&a=1",
		Headers: http.Header{"Authorization": {recording.PlaceholderAuthorization}, "X-Stytch-Member-Session": {recording.PlaceholderSessionToken}},
		Body:    `{"display_name":"d","signing_private_key":` + jsonQuote(recording.PlaceholderPEM) + `}`,
	}
	base := func() *http.Request {
		req, err := http.NewRequest(http.MethodPut, "http://127.0.0.1:9/v1/x?a=1&b=2",
			strings.NewReader(`{"signing_private_key":"another real key","display_name":"d"}`))
		require.NoError(t, err)
		req.SetBasicAuth("project-live-x", "other secret")
		req.Header.Set("X-Stytch-Member-Session", "other token")
		return req
	}
	tests := []struct {
		name   string
		change func(*http.Request)
		want   bool
	}{
		{"other credentials, key, host and query order", func(*http.Request) {}, true},
		{"method", func(r *http.Request) { r.Method = http.MethodPost }, false},
		{"path", func(r *http.Request) { r.URL.Path = "/v1/y" }, false},
		{"query", func(r *http.Request) { r.URL.RawQuery = "a=1" }, false},
		{"body field", func(r *http.Request) {
			r.Body = nopBody(`{"signing_private_key":"k","display_name":"other"}`)
		}, false},
		{"no session header", func(r *http.Request) { r.Header.Del("X-Stytch-Member-Session") }, false},
		{"extra JWT header", func(r *http.Request) { r.Header.Set("X-Stytch-Member-SessionJWT", "j") }, false},
		{"no Authorization", func(r *http.Request) { r.Header.Del("Authorization") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := base()
			tt.change(req)
			assert.Equal(t, tt.want, r.Match(req, rec))
		})
	}
}

func nopBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// TestRedactCatchesEveryScrubEncoding: the recorder removes every encoding
// of a secret that internal/scrub knows (the client's scrubber), \u escapes,
// lower-case percent hex, escaped base64 and short PEM lines included.
func TestRedactCatchesEveryScrubEncoding(t *testing.T) {
	t.Parallel()
	const secret = "secret-test-UNIONCANARY/+=<&>?#%:x"
	key := testutil.RSAPKCS1PEM(t, 1024)
	r := recording.NewRedactor(secret, key)
	n := 0
	for _, s := range []string{secret, key} {
		for _, e := range scrub.Encodings(s) {
			n++
			in := "<" + e + ">"
			require.True(t, r.Contains([]byte(in)), "Contains misses %q", e)
			out := r.Text(in)
			assert.NotContains(t, out, e)
			assert.False(t, r.Contains([]byte(out)), "Text(%q) = %q", in, out)
		}
	}
	assert.Greater(t, n, 100, "the encodings were checked")
}
