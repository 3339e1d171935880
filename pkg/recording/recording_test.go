package recording_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/api"
	apinames "github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

const testProjectID = testutil.ProjectID

// canaries are the secret values of one recording run.
type canaries struct {
	secret, token, jwt string
	signingKey, encKey string
}

func newCanaries(t *testing.T, tag string) canaries {
	t.Helper()
	return canaries{
		secret:     "secret-test-canary-" + tag + "-5e9b1c",
		token:      "session-token-canary-" + tag + "-7a2d",
		jwt:        "eyJhbGciOiJSUzI1NiJ9.canary-" + tag + ".c2lnbmF0dXJl",
		signingKey: testutil.RSAPKCS1PEM(t, 1024),
		encKey:     testutil.RSAPKCS1PEM(t, 1024),
	}
}

func (c canaries) all() []string {
	return []string{c.secret, c.token, c.jwt, c.signingKey, c.encKey}
}

// leaks lists which canaries (or recognisable pieces of them) appear in data.
func (c canaries) leaks(data string) []string {
	var out []string
	check := func(name, s string) {
		if strings.Contains(data, s) {
			out = append(out, name)
		}
	}
	check("secret", c.secret)
	check("basic auth", base64.StdEncoding.EncodeToString([]byte(testProjectID+":"+c.secret)))
	check("session token", c.token)
	check("session JWT", c.jwt)
	for name, key := range map[string]string{"signing key": c.signingKey, "encryption key": c.encKey} {
		for _, line := range strings.Split(key, "\n") {
			if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
				check(name+" line", line)
			}
		}
	}
	return out
}

func startProvider(t *testing.T, c canaries) (*httptest.Server, provider.Seed) {
	t.Helper()
	p, err := provider.New(provider.Config{ProjectID: testProjectID, Secret: c.secret,
		Sessions: map[string]bool{c.token: true, c.jwt: true}})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv, p.Seeded()
}

// scenario is one request of the recorded run.
type scenario struct {
	name     string
	path     func(provider.Seed) string
	body     func(canaries) string
	header   func(canaries) http.Header
	secret   func(canaries) string
	wantCode int
}

func samlPath(s provider.Seed) string {
	return "/v1/b2b/sso/saml/" + s.OrganizationID + "/connections/" + s.SAMLConnectionID
}

func externalPath(s provider.Seed) string {
	return "/v1/b2b/sso/external/" + s.OrganizationSlug + "/connections/" + s.ExternalConnectionID
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func scenarios(t *testing.T, cert string) []scenario {
	none := func(canaries) http.Header { return http.Header{} }
	good := func(c canaries) string { return c.secret }
	return []scenario{
		{"full SAML update with keys and session token", samlPath, func(c canaries) string {
			return jsonBody(t, map[string]any{
				"display_name": "Recorded", "idp_entity_id": "http://idp.example/e", "idp_sso_url": "https://idp.example/sso",
				"attribute_mapping": map[string]any{"email": "NameID"}, "x509_certificate": cert,
				"signing_private_key": c.signingKey, "saml_encryption_private_key": c.encKey,
			})
		}, func(c canaries) http.Header { return http.Header{"X-Stytch-Member-Session": {c.token}} }, good, 200},
		{"External update with JWT", externalPath, func(canaries) string { return `{"display_name":"Ext"}` },
			func(c canaries) http.Header { return http.Header{"X-Stytch-Member-Sessionjwt": {c.jwt}} }, good, 200},
		{"empty body", samlPath, func(canaries) string { return "" }, none, good, 200},
		{"wrong secret", samlPath, func(canaries) string { return `{}` }, none,
			func(c canaries) string { return c.secret + "-wrong" }, 401},
	}
}

func send(t *testing.T, client *http.Client, base string, sc scenario, seed provider.Seed, c canaries) (int, []byte, error) {
	t.Helper()
	var body io.Reader
	if b := sc.body(c); b != "" {
		body = strings.NewReader(b)
	}
	req, err := http.NewRequest(http.MethodPut, base+sc.path(seed), body)
	require.NoError(t, err)
	req.SetBasicAuth(testProjectID, sc.secret(c))
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range sc.header(c) {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b, nil
}

// failingTransport fails the test if replay ever reaches it.
type failingTransport struct{ t *testing.T }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	f.t.Error("replay reached the network")
	return nil, io.ErrUnexpectedEOF
}

func TestRecordRedactReplay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "run.yaml")
	rec := newCanaries(t, "rec")
	cert := testutil.SelfSignedCertPEM(t, "IdP", time.Now().Add(time.Hour))
	srv, seed := startProvider(t, rec)
	scs := scenarios(t, cert)

	r, err := recording.New(path, recording.WithMode(recording.ModeRecord), recording.WithSecrets(rec.all()...))
	require.NoError(t, err)
	recorded := make([][]byte, len(scs))
	for i, sc := range scs {
		code, body, err := send(t, r.Client(), srv.URL, sc, seed, rec)
		require.NoError(t, err, sc.name)
		require.Equal(t, sc.wantCode, code, "%s: %s", sc.name, body)
		recorded[i] = body
	}
	// While recording, the caller sees the real response (the echoed key).
	assert.Contains(t, string(recorded[0]), strings.Split(rec.encKey, "\n")[1])
	require.NoError(t, r.Stop())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Empty(t, rec.leaks(string(data)), "canaries in the saved recording")
	assert.Contains(t, string(data), recording.PlaceholderAuthorization)
	assert.Contains(t, string(data), recording.PlaceholderSessionToken)
	assert.Contains(t, string(data), recording.PlaceholderSessionJWT)

	t.Run("redacted bodies still validate against the spec", func(t *testing.T) {
		c, err := cassette.Load(strings.TrimSuffix(path, ".yaml"))
		require.NoError(t, err)
		require.Len(t, c.Interactions, len(scs))
		for _, i := range c.Interactions {
			validatePair(t, i)
		}
		var body map[string]any
		require.NoError(t, json.Unmarshal([]byte(c.Interactions[0].Request.Body), &body))
		assert.Equal(t, recording.PlaceholderPEM, body["signing_private_key"])
		assert.Equal(t, cert, body["x509_certificate"], "a certificate is not a secret")
	})

	t.Run("replay with other credentials and keys", func(t *testing.T) {
		live := newCanaries(t, "live")
		r, err := recording.New(path, recording.WithRealTransport(failingTransport{t}), recording.WithSecrets(live.all()...))
		require.NoError(t, err)
		defer func() { assert.NoError(t, r.Stop()) }()
		for i, sc := range scs {
			code, body, err := send(t, r.Client(), "http://127.0.0.1:1", sc, seed, live)
			require.NoError(t, err, sc.name)
			assert.Equal(t, sc.wantCode, code, sc.name)
			if i == 1 {
				assert.JSONEq(t, string(recorded[i]), string(body), "a response without secrets replays as recorded")
			}
		}
	})

	t.Run("a different body field does not match", func(t *testing.T) {
		r, err := recording.New(path, recording.WithRealTransport(failingTransport{t}))
		require.NoError(t, err)
		sc := scs[1]
		sc.body = func(canaries) string { return `{"display_name":"Other"}` }
		_, _, err = send(t, r.Client(), srv.URL, sc, seed, rec)
		require.Error(t, err)
		assert.ErrorIs(t, err, recording.ErrNotRecorded)
		assert.Contains(t, err.Error(), "make record")
		assert.Empty(t, rec.leaks(err.Error()))
	})

	t.Run("a missing session header does not match", func(t *testing.T) {
		r, err := recording.New(path, recording.WithRealTransport(failingTransport{t}))
		require.NoError(t, err)
		sc := scs[1]
		sc.header = func(canaries) http.Header { return http.Header{} }
		_, _, err = send(t, r.Client(), srv.URL, sc, seed, rec)
		assert.ErrorIs(t, err, recording.ErrNotRecorded)
	})
}

// validatePair checks a recorded request and response body against the
// spec's schemas.
func validatePair(t *testing.T, i *cassette.Interaction) {
	t.Helper()
	doc, err := api.Document()
	require.NoError(t, err)
	specPath := apinames.SAMLConnectionPath
	if strings.Contains(i.Request.URL, "/sso/external/") {
		specPath = apinames.ExternalConnectionPath
	}
	op := doc.Paths.Find(specPath).Put
	if i.Request.Body != "" {
		var v any
		require.NoError(t, json.Unmarshal([]byte(i.Request.Body), &v))
		schema := op.RequestBody.Value.Content.Get("application/json").Schema.Value
		assert.NoError(t, schema.VisitJSON(v, openapi3.VisitAsRequest()), "request %d", i.ID)
	}
	var v any
	require.NoError(t, json.Unmarshal([]byte(i.Response.Body), &v))
	schema := op.Responses.Status(i.Response.Code).Value.Content.Get("application/json").Schema.Value
	assert.NoError(t, schema.VisitJSON(v, openapi3.VisitAsResponse()), "response %d", i.ID)
	assert.Equal(t, recording.PlaceholderAuthorization, i.Request.Headers.Get("Authorization"))
}

func TestMissingRecording(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope.yaml")
	tests := []struct {
		name string
		opts []recording.Option
		want string
	}{
		{"default command", nil, `"make record"`},
		{"own command", []recording.Option{recording.WithRecordCommand("go run ./cmd/ssocontract record")}, `"go run ./cmd/ssocontract record"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := recording.New(path, tt.opts...)
			require.Error(t, err)
			assert.ErrorIs(t, err, recording.ErrNotRecorded)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), path)
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		opts []recording.Option
		want string
	}{
		{"empty path", "", nil, "empty cassette path"},
		{"bad mode", "x", []recording.Option{recording.WithMode(recording.Mode(9))}, "unknown mode"},
		{"nil transport", "x", []recording.Option{recording.WithRealTransport(nil)}, "WithRealTransport"},
		{"empty command", "x", []recording.Option{recording.WithRecordCommand(" ")}, "WithRecordCommand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := recording.New(tt.path, tt.opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRecordModeOverwritesAtomically(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	r, err := recording.New(path, recording.WithMode(recording.ModeRecord))
	require.NoError(t, err)
	assert.Equal(t, recording.ModeRecord, r.Mode())
	assert.Equal(t, path, r.File())
	resp, err := r.Client().Get(srv.URL + "/x")
	require.NoError(t, err)
	resp.Body.Close()
	require.NoError(t, r.Stop())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), `{"ok":true}`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestSecretAddedDuringRunIsRedacted(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "late.yaml")
	const late = "late-canary-value-93c1d7"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"note":"` + late + `"}`))
	}))
	t.Cleanup(srv.Close)
	r, err := recording.New(path, recording.WithMode(recording.ModeRecord))
	require.NoError(t, err)
	resp, err := r.Client().Get(srv.URL + "/x?q=" + late)
	require.NoError(t, err)
	resp.Body.Close()
	r.Redactor().AddSecrets(late)
	require.NoError(t, r.Stop())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), late)
}
