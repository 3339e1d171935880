package provider_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/provider"
)

const (
	testProjectID = testutil.ProjectID
	testSecret    = "secret-test-provider-canary-8f1e2d3c"
)

// env is one provider behind an httptest server.
type env struct {
	p    *provider.Provider
	srv  *httptest.Server
	seed provider.Seed
}

func setup(t *testing.T, cfg provider.Config) *env {
	t.Helper()
	if cfg.ProjectID == "" {
		cfg.ProjectID = testProjectID
	}
	if cfg.Secret == "" {
		cfg.Secret = testSecret
	}
	p, err := provider.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &env{p: p, srv: srv, seed: p.Seeded()}
}

func (e *env) samlPath() string {
	return "/v1/b2b/sso/saml/" + e.seed.OrganizationID + "/connections/" + e.seed.SAMLConnectionID
}

func (e *env) externalPath() string {
	return "/v1/b2b/sso/external/" + e.seed.OrganizationID + "/connections/" + e.seed.ExternalConnectionID
}

// result is one response, decoded.
type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r result) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

func (r result) conn() map[string]any {
	c, _ := r.body["connection"].(map[string]any)
	return c
}

type reqOpt func(*http.Request)

func withAuth(user, pass string) reqOpt {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

func noAuth() reqOpt { return func(r *http.Request) { r.Header.Del("Authorization") } }

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// do sends one request (Basic auth with the test credentials unless an
// option changes it) and checks what every response must be: JSON, a
// request ID, the status echoed, an error_url on errors, the test secret
// nowhere, and for the two operations a body valid against the spec in
// strict mode.
func (e *env) do(t *testing.T, method, path, body string, opts ...reqOpt) result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(t, err)
	req.SetBasicAuth(testProjectID, testSecret)
	req.Header.Set("Content-Type", "application/json")
	for _, o := range opts {
		o(req)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	res := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	require.NoErrorf(t, json.Unmarshal(raw, &res.body), "%s %s: body is not JSON", method, path)
	checkCommon(t, res)
	if specPath := specPathOf(path); method == http.MethodPut && specPath != "" && res.str("error_type") != "route_not_found" {
		checkStrict(t, specPath, res)
	}
	return res
}

var requestIDPattern = regexp.MustCompile(`^request-id-test-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func checkCommon(t *testing.T, res result) {
	t.Helper()
	assert.Equal(t, "application/json", res.header.Get("Content-Type"))
	assert.Regexp(t, requestIDPattern, res.str("request_id"))
	assert.EqualValues(t, res.status, res.body["status_code"], "status_code in body")
	assert.NotContains(t, string(res.raw), testSecret)
	if res.status >= 400 {
		assert.Equal(t, fmt.Sprintf("https://stytch.com/docs/api/errors/%d", res.status), res.str("error_url"))
		assert.NotEmpty(t, res.str("error_type"))
		assert.NotEmpty(t, res.str("error_message"))
	}
}

func specPathOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/v1/b2b/sso/saml/"):
		return names.SAMLConnectionPath
	case strings.HasPrefix(path, "/v1/b2b/sso/external/"):
		return names.ExternalConnectionPath
	}
	return ""
}

// checkStrict validates a response body against the spec's schema for its
// status, and reports any property the schema does not declare.
func checkStrict(t *testing.T, specPath string, res result) {
	t.Helper()
	schema := responseSchema(t, specPath, res.status)
	var v any
	require.NoError(t, json.Unmarshal(res.raw, &v))
	assert.NoError(t, schema.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.EnableFormatValidation()),
		"response %d does not match the spec", res.status)
	assert.Empty(t, undeclared(schema, v, "$"), "response %d has undeclared properties", res.status)
}

func responseSchema(t *testing.T, specPath string, status int) *openapi3.Schema {
	t.Helper()
	doc, err := api.Document()
	require.NoError(t, err)
	op := doc.Paths.Find(specPath).Put
	ref := op.Responses.Status(status)
	require.NotNilf(t, ref, "spec documents no %d for %s", status, specPath)
	mt := ref.Value.Content.Get("application/json")
	require.NotNil(t, mt)
	return mt.Schema.Value
}

// undeclared lists the JSON paths of properties a schema does not declare
// (strict mode), following properties, items and additionalProperties.
func undeclared(s *openapi3.Schema, v any, path string) []string {
	if s == nil {
		return nil
	}
	var out []string
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := s.Properties[k]; ok {
				out = append(out, undeclared(p.Value, t[k], path+"."+k)...)
				continue
			}
			ap := s.AdditionalProperties
			switch {
			case ap.Schema != nil:
				out = append(out, undeclared(ap.Schema.Value, t[k], path+"."+k)...)
			case ap.Has != nil && *ap.Has:
			default:
				out = append(out, path+"."+k)
			}
		}
	case []any:
		if s.Items != nil {
			for i, e := range t {
				out = append(out, undeclared(s.Items.Value, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return out
}

func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b)
}
