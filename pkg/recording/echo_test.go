package recording_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

const echoSecret = "secret-test-ECHOCANARY-4b7d1e90"

// hiddenIn reports whether the canary appears in data raw, or inside any
// base64 text in it (any alphabet, any offset), or inside a gzip stream.
func hiddenIn(data []byte, canary string, depth int) bool {
	if bytes.Contains(data, []byte(canary)) {
		return true
	}
	if depth > 2 {
		return false
	}
	if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
		if dec, err := io.ReadAll(zr); err == nil && hiddenIn(dec, canary, depth+1) {
			return true
		}
	}
	for _, run := range regexp.MustCompile(`[A-Za-z0-9+/_-]{12,}`).FindAll(data, -1) {
		for skip := 0; skip < 4 && skip < len(run); skip++ {
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				s := string(run[skip:])
				s = s[:len(s)-len(s)%4]
				if dec, err := enc.DecodeString(s); err == nil && hiddenIn(dec, canary, depth+1) {
					return true
				}
			}
		}
	}
	return false
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func deflated(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := flate.NewWriter(&b, flate.DefaultCompression)
	require.NoError(t, err)
	_, err = zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// echoServer answers every request with a JSON body echoing the request's
// Authorization header and body, in the encoding the request's X-Echo header
// names (gzip, deflate, or plain), plus the same in base64 and in a header.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err == nil {
				body, _ = io.ReadAll(zr)
			}
		}
		auth := r.Header.Get("Authorization")
		echo := map[string]any{
			"echo_auth":   auth,
			"echo_cred":   strings.TrimPrefix(auth, "Basic "),
			"echo_body":   string(body),
			"b64_body":    base64.StdEncoding.EncodeToString(body),
			"b64url_body": base64.RawURLEncoding.EncodeToString(body),
		}
		// The secret at each of the three byte offsets inside longer text.
		for i, pre := range []string{"", "x", "xy"} {
			echo["b64_off"+string(rune('0'+i))] = base64.StdEncoding.EncodeToString([]byte(pre + "note: " + echoSecret + " end"))
		}
		out, _ := json.Marshal(echo)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo-Auth", auth)
		switch r.Header.Get("X-Echo") {
		case "gzip":
			w.Header().Set("Content-Encoding", "gzip")
			out = gzipped(t, string(out))
		case "deflate":
			w.Header().Set("Content-Encoding", "deflate")
			out = deflated(t, string(out))
		case "br":
			w.Header().Set("Content-Encoding", "br")
		}
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// recordOne sends req through rec, stops it, and returns the file written.
func recordOne(t *testing.T, rec *recording.Recorder, req *http.Request) []byte {
	t.Helper()
	resp, err := rec.Client().Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.NoError(t, rec.Stop())
	data, err := os.ReadFile(rec.File())
	require.NoError(t, err)
	return data
}

// TestRecorderEchoedSecretsNeverOnDisk records exchanges with a server that
// echoes the Basic credential and the request body, gzip- or
// deflate-compressed, base64-encoded at every offset, and in a header; the
// request body is itself gzip-compressed. Only the secret is registered (not
// the project ID): nothing written may hold it in any form.
func TestRecorderEchoedSecretsNeverOnDisk(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	for _, enc := range []string{"gzip", "deflate", "plain"} {
		t.Run(enc, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "echo.yaml")
			rec, err := recording.New(path, recording.WithMode(recording.ModeRecord), recording.WithSecrets(echoSecret))
			require.NoError(t, err)
			reqBody := `{"display_name":"note: ` + echoSecret + `"}`
			req, err := http.NewRequest(http.MethodPut, srv.URL+"/v1/x", bytes.NewReader(gzipped(t, reqBody)))
			require.NoError(t, err)
			req.SetBasicAuth(testProjectID, echoSecret)
			req.Header.Set("Content-Encoding", "gzip")
			// Asked for explicitly, so the transport hands the compressed
			// body through as is.
			req.Header.Set("Accept-Encoding", "gzip, deflate")
			req.Header.Set("X-Echo", enc)
			data := recordOne(t, rec, req)
			assert.False(t, hiddenIn(data, echoSecret, 0), "the secret reached disk in some encoding:\n%s", data)
			pair := testProjectID + ":" + echoSecret
			assert.False(t, hiddenIn(data, pair, 0), "the Basic pair reached disk")
			assert.NotContains(t, string(data), base64.StdEncoding.EncodeToString([]byte(pair))[:40])
			// The bodies were inspected, so they are stored decoded.
			assert.Contains(t, string(data), "echo_body")
			assert.Contains(t, string(data), "display_name")
			assert.NotContains(t, string(data), "Content-Encoding")
		})
	}
}

// TestRecorderRefusesUninspectableBody: a body in an encoding the recorder
// cannot decode is not written, and the error says why.
func TestRecorderRefusesUninspectableBody(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	dir := t.TempDir()
	rec, err := recording.New(filepath.Join(dir, "br.yaml"), recording.WithMode(recording.ModeRecord), recording.WithSecrets(echoSecret))
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/x", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "br")
	req.Header.Set("X-Echo", "br")
	resp, err := rec.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	err = rec.Stop()
	require.ErrorIs(t, err, recording.ErrUninspectable)
	assert.Contains(t, err.Error(), `"br"`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")
}

// TestRedactContentRules: private keys, JWTs and session tokens are found
// by their shape, in fields, headers and form bodies not named like
// secrets, with nothing registered.
func TestRedactContentRules(t *testing.T) {
	t.Parallel()
	key := testutil.RSAPKCS1PEM(t, 1024)
	keyLine := strings.Split(key, "\n")[1]
	jwt := "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtZW1iZXIifQ.c2lnbmF0dXJlLWNhbmFyeQ"
	token := "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
	r := recording.NewRedactor()
	cases := map[string]string{
		"json field":        `{"x509_certificate":` + jsonQuote(key) + `}`,
		"pkcs8 in json":     `{"note":` + jsonQuote(strings.ReplaceAll(key, "RSA PRIVATE", "PRIVATE")) + `}`,
		"escaped in text":   `not json: "x509_certificate": ` + jsonQuote(key),
		"form body":         url.Values{"x509_certificate": {key}}.Encode(),
		"jwt in json":       `{"redirect":"https://app/cb?s=` + jwt + `"}`,
		"session in json":   `{"note":"` + token + `"}`,
		"truncated pem":     `{"x509_certificate":"` + strings.ReplaceAll(key[:200], "\n", `\n`),
		"jwt in plain text": "location " + jwt + " end",
	}
	for name, body := range cases {
		out := string(r.Body([]byte(body)))
		assert.NotContains(t, out, keyLine, name)
		assert.NotContains(t, out, jwt, name)
		assert.NotContains(t, out, token, name)
		assert.NotContains(t, out, "PRIVATE+KEY-----%0AMII", name)
	}
	h := r.Header(http.Header{"Location": {"https://app/cb?jwt_x=1&s=" + jwt}, "X-Note": {token}})
	assert.NotContains(t, h.Get("Location"), jwt)
	assert.NotContains(t, h.Get("X-Note"), token)

	// What only looks similar stays: a certificate, IDs, a non-JWT.
	cert := testutil.SelfSignedCertPEM(t, "IdP", time.Now().Add(time.Hour))
	keep := `{"x509_certificate":` + jsonQuote(cert) + `,"connection_id":"saml-connection-test-2d7a8e1e-0bb4-4c1b-8f7d-5cbb2a1f00aa","v":"eyJub3QiOiJhIGp3dCJ9.abc.def"}`
	var got, want any
	require.NoError(t, json.Unmarshal(r.Body([]byte(keep)), &got))
	require.NoError(t, json.Unmarshal([]byte(keep), &want))
	assert.Equal(t, want, got)
}

// TestRedactBase64AtEveryOffset: a registered secret inside longer text that
// is then base64-encoded (either alphabet, padded or not) is removed at each
// of the three byte offsets.
func TestRedactBase64AtEveryOffset(t *testing.T) {
	t.Parallel()
	r := recording.NewRedactor(echoSecret)
	for _, pre := range []string{"", "a", "ab", "abc"} {
		plain := []byte(pre + "the secret is " + echoSecret + " ok")
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			out := r.Text("data:" + enc.EncodeToString(plain) + ";")
			assert.False(t, hiddenIn([]byte(out), echoSecret, 0), "prefix %q: %s", pre, out)
		}
	}
}

// TestGuardLooksInsideEncodedBodies: the last guard before disk finds a
// registered secret inside gzip, inside base64, and inside a cassette body
// whose Content-Encoding says deflate.
func TestGuardLooksInsideEncodedBodies(t *testing.T) {
	t.Parallel()
	r := recording.NewRedactor(echoSecret)
	z := gzipped(t, "x "+echoSecret)
	assert.True(t, r.Leaks(z), "gzip")
	assert.True(t, r.Leaks([]byte("body: !!binary "+base64.StdEncoding.EncodeToString(z))), "base64 of gzip")
	cas := "version: 2\ninteractions:\n- request:\n    body: \"\"\n  response:\n    headers:\n      Content-Encoding: [deflate]\n    body: !!binary " +
		base64.StdEncoding.EncodeToString(deflated(t, echoSecret)) + "\n"
	assert.True(t, r.Leaks([]byte(cas)), "deflate body in a cassette")
	assert.False(t, r.Leaks([]byte("body: "+base64.StdEncoding.EncodeToString(gzipped(t, "clean")))))
}
