package sso

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// Obviously fake credentials.
const (
	testProjectID = testutil.ProjectID
	liveProjectID = "project-live-00000000-0000-0000-0000-000000000000"
	testSecret    = "secret-test-00000000000000000000000000000000000000="
	testOrgID     = testutil.OrganizationID
	testSAMLID    = testutil.SAMLConnectionID
	testExtID     = testutil.ExternalConnectionID
)

const samlOK = `{"request_id":"request-id-test-ok-1","status_code":200,"connection":{"acs_url":"https://test.stytch.com/v1/b2b/sso/callback/saml-connection-test-51861cbc-d3b9-428b-9761-227f5fb12be9","allow_gateway_callback":false,"alternative_acs_url":"","alternative_audience_uri":"","audience_uri":"https://test.stytch.com/v1/b2b/sso/callback/saml-connection-test-51861cbc-d3b9-428b-9761-227f5fb12be9","connection_id":"saml-connection-test-51861cbc-d3b9-428b-9761-227f5fb12be9","display_name":"Acme Okta","encryption_private_keys":[],"identity_provider":"okta","idp_entity_id":"","idp_initiated_auth_disabled":false,"idp_sso_url":"","nameid_format":"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress","organization_id":"organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931","saml_connection_implicit_role_assignments":[],"saml_group_implicit_role_assignments":[],"signing_certificates":[],"status":"pending","verification_certificates":[]}}`

const externalOK = `{"request_id":"request-id-test-ok-2","status_code":200,"connection":{"connection_id":"external-connection-test-5c44cc6a-8af7-48d6-8da7-ea821342f5a6","display_name":"Acme via Parent Co","external_connection_id":"saml-connection-test-2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f","external_connection_implicit_role_assignments":[],"external_group_implicit_role_assignments":[],"external_organization_id":"organization-test-1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e","organization_id":"organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931","status":"active"}}`

// errorBody is a Stytch JSON error with the given status and type.
func errorBody(status int, errorType string) string {
	return fmt.Sprintf(`{"status_code":%d,"request_id":"request-id-test-err-%d","error_type":%q,"error_message":"Something about %s.","error_url":"https://stytch.com/docs/api/errors/%d"}`,
		status, status, errorType, errorType, status)
}

// seenRequest is what a test server received.
type seenRequest struct {
	req  *http.Request // with Body replaced by a reader over body
	body []byte
}

// recorder is an httptest server that records every request and answers
// with respond (by default a 200 fitting the operation).
type recorder struct {
	mu      sync.Mutex
	seen    []seenRequest
	respond func(w http.ResponseWriter, r *http.Request, n int)
	srv     *httptest.Server
}

func (rec *recorder) requests() []seenRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seenRequest(nil), rec.seen...)
}

// okResponder answers 200 with a body matching the route.
func okResponder(w http.ResponseWriter, r *http.Request, _ int) {
	w.Header().Set("Content-Type", "application/json")
	if bytes.Contains([]byte(r.URL.EscapedPath()), []byte("/sso/external/")) {
		_, _ = io.WriteString(w, externalOK)
		return
	}
	_, _ = io.WriteString(w, samlOK)
}

// setup starts a recording server and a client pointed at it.
func setup(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int), opts ...Option) (*Client, *recorder) {
	t.Helper()
	if respond == nil {
		respond = okResponder
	}
	rec := &recorder{respond: respond}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read", http.StatusInternalServerError)
			return
		}
		r2 := r.Clone(context.Background())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.seen = append(rec.seen, seenRequest{req: r2, body: body})
		n := len(rec.seen)
		rec.mu.Unlock()
		rec.respond(w, r, n)
	}))
	t.Cleanup(rec.srv.Close)
	c, err := New(testProjectID, testSecret, append([]Option{WithBaseURL(rec.srv.URL), withWaitHook(noWait)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, rec
}

// withWaitHook lets tests see the waits the backoff computes and replace
// them, so retry tests neither sleep nor depend on timing.
func withWaitHook(h func(time.Duration) time.Duration) Option {
	return func(c *config) error {
		c.waitHook = h
		return nil
	}
}

func noWait(time.Duration) time.Duration { return time.Millisecond }

// specRouter is built from a private copy of the spec with its servers
// cleared, so it routes requests to any host (kin-openapi issues #356, #740).
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := api.Parse(api.YAML())
	if err != nil {
		return nil, err
	}
	doc.Servers = nil
	return legacy.NewRouter(doc)
})

// errNoBasicAuth is what the test AuthenticationFunc reports.
var errNoBasicAuth = errors.New("no HTTP Basic credentials")

// validateAgainstSpec checks a request the client sent against the spec
// with kin-openapi, including that Basic credentials are present.
func validateAgainstSpec(t *testing.T, req *http.Request, body []byte) error {
	t.Helper()
	router, err := specRouter()
	require.NoError(t, err)
	// The legacy router matches on the decoded path, so a %2F in a path
	// parameter would look like a separator: route on the escaped path and
	// unescape the parameters ourselves.
	routed := req.Clone(context.Background())
	routed.URL.Path = req.URL.EscapedPath()
	route, params, err := router.FindRoute(routed)
	if err != nil {
		return fmt.Errorf("route %s %s: %w", req.Method, req.URL.EscapedPath(), err)
	}
	for k, v := range params {
		if params[k], err = url.PathUnescape(v); err != nil {
			return err
		}
	}
	check := req.Clone(context.Background())
	check.Body = io.NopCloser(bytes.NewReader(body))
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request:    check,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
				if in.SecuritySchemeName != "basicAuth" {
					return fmt.Errorf("unexpected scheme %q", in.SecuritySchemeName)
				}
				user, pass, ok := in.RequestValidationInput.Request.BasicAuth()
				if !ok || user == "" || pass == "" {
					return errNoBasicAuth
				}
				return nil
			},
		},
	})
}
