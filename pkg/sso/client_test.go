package sso

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		projectID string
		secret    string
		opts      []Option
		wantErr   string
	}{
		{name: "empty project ID", secret: testSecret, wantErr: "empty project ID"},
		{name: "empty secret", projectID: testProjectID, wantErr: "empty secret"},
		{name: "colon in project ID", projectID: "project:x", secret: testSecret, wantErr: `contains ':'`},
		{name: "space in project ID", projectID: "project x", secret: testSecret, wantErr: "space or a non-printable"},
		{name: "control character in secret", projectID: testProjectID, secret: "secret-test-\nabc", wantErr: "secret contains a control character"},
		{name: "plain http to a remote host", opts: []Option{WithBaseURL("http://example.com")}, wantErr: `plain http is refused for non-loopback host "example.com"`},
		{name: "plain http to a private address", opts: []Option{WithBaseURL("http://10.0.0.1:8080")}, wantErr: "plain http is refused"},
		{name: "plain http to a name ending in localhost", opts: []Option{WithBaseURL("http://localhost.example.com")}, wantErr: "plain http is refused"},
		{name: "unknown scheme", opts: []Option{WithBaseURL("ftp://127.0.0.1")}, wantErr: "scheme must be https"},
		{name: "relative URL", opts: []Option{WithBaseURL("/v1")}, wantErr: "scheme must be https"},
		{name: "no host", opts: []Option{WithBaseURL("https://")}, wantErr: "has no host"},
		{name: "empty base URL", opts: []Option{WithBaseURL("")}, wantErr: "empty base URL"},
		{name: "credentials in URL", opts: []Option{WithBaseURL("https://user:pw@test.stytch.com")}, wantErr: "must not carry credentials"},
		{name: "query in URL", opts: []Option{WithBaseURL("https://test.stytch.com?a=b")}, wantErr: "must not have a query"},
		{name: "unknown environment", opts: []Option{WithEnvironment("https://evil.example")}, wantErr: "unknown environment"},
		{name: "live environment for a test project", opts: []Option{WithEnvironment(EnvironmentLive)}, wantErr: "is a test project but WithEnvironment chose https://api.stytch.com"},
		{name: "test environment for a live project", projectID: liveProjectID, opts: []Option{WithEnvironment(EnvironmentTest)}, wantErr: "is a live project"},
		{name: "nil HTTP client", opts: []Option{WithHTTPClient(nil)}, wantErr: "WithHTTPClient: nil"},
		{name: "nil logger", opts: []Option{WithLogger(nil)}, wantErr: "WithLogger: nil"},
		{name: "empty user agent", opts: []Option{WithUserAgent("  ")}, wantErr: "empty user agent"},
		{name: "user agent with newline", opts: []Option{WithUserAgent("a\r\nX-Evil: 1")}, wantErr: "control character"},
		{name: "zero response limit", opts: []Option{WithMaxResponseBytes(0)}, wantErr: "must be positive"},
		{name: "nil middleware", opts: []Option{WithTransportMiddleware(nil)}, wantErr: "nil middleware"},
		{name: "middleware returning nil", opts: []Option{WithTransportMiddleware(func(http.RoundTripper) http.RoundTripper { return nil })}, wantErr: "returned a nil RoundTripper"},
		{name: "nil option", opts: []Option{nil}, wantErr: "option 0 is nil"},
		{name: "negative attempts", opts: []Option{WithRetry(RetryPolicy{MaxAttempts: -1})}, wantErr: "MaxAttempts must be between"},
		{name: "too many attempts", opts: []Option{WithRetry(RetryPolicy{MaxAttempts: 1000})}, wantErr: "MaxAttempts must be between"},
		{name: "negative wait", opts: []Option{WithRetry(RetryPolicy{MinWait: -1})}, wantErr: "MinWait must not be negative"},
		{name: "max below min", opts: []Option{WithRetry(RetryPolicy{MinWait: 2e9, MaxWait: 1e9})}, wantErr: "less than MinWait"},
		{name: "retry and no retries, retry first", opts: []Option{WithRetry(RetryPolicy{}), WithoutRetries()}, wantErr: "WithRetry and WithoutRetries conflict"},
		{name: "retry and no retries, retry last", opts: []Option{WithoutRetries(), WithRetry(RetryPolicy{})}, wantErr: "WithRetry and WithoutRetries conflict"},
		{name: "zero attempt timeout", opts: []Option{WithAttemptTimeout(0)}, wantErr: "WithAttemptTimeout: timeout must be positive"},
		{name: "negative attempt timeout", opts: []Option{WithAttemptTimeout(-time.Second)}, wantErr: "WithAttemptTimeout: timeout must be positive"},
		{name: "attempt timeout twice", opts: []Option{WithAttemptTimeout(time.Second), WithAttemptTimeout(time.Minute)}, wantErr: "WithAttemptTimeout given more than once"},
		{name: "attempt timeout and HTTP client", opts: []Option{WithAttemptTimeout(time.Second), WithHTTPClient(&http.Client{})}, wantErr: "WithAttemptTimeout and WithHTTPClient conflict"},
		{name: "HTTP client and attempt timeout", opts: []Option{WithHTTPClient(&http.Client{}), WithAttemptTimeout(time.Second)}, wantErr: "WithAttemptTimeout and WithHTTPClient conflict"},
		{name: "base URL twice", opts: []Option{WithBaseURL("https://a.example"), WithBaseURL("https://b.example")}, wantErr: "WithBaseURL given more than once"},
		{name: "environment twice", opts: []Option{WithEnvironment(EnvironmentTest), WithEnvironment(EnvironmentTest)}, wantErr: "WithEnvironment given more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			projectID, secret := tt.projectID, tt.secret
			if projectID == "" && secret == "" || projectID == "" && tt.name != "empty project ID" {
				projectID = testProjectID
			}
			if secret == "" && tt.name != "empty secret" {
				secret = testSecret
			}
			c, err := New(projectID, secret, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.True(t, strings.HasPrefix(err.Error(), "sso.New: "), "error %q names where it came from", err)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestNewAcceptsLoopbackHTTP(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:9000/", "http://localhost:8080", "http://LOCALHOST", "https://test.stytch.com/", "https://proxy.example/stytch/"} {
		t.Run(u, func(t *testing.T) {
			t.Parallel()
			c, err := New(testProjectID, testSecret, WithBaseURL(u))
			require.NoError(t, err)
			assert.Equal(t, strings.TrimSuffix(u, "/"), c.BaseURL())
		})
	}
}

// TestEnvironments sends a request through httpmock (no network) to prove
// which host each configuration reaches.
func TestEnvironments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		projectID string
		opts      []Option
		wantURL   string
	}{
		{name: "test project", projectID: testProjectID, wantURL: "https://test.stytch.com"},
		{name: "live project", projectID: liveProjectID, wantURL: "https://api.stytch.com"},
		{name: "unprefixed project defaults to test", projectID: "project-00000000", wantURL: "https://test.stytch.com"},
		{name: "explicit environment", projectID: "project-00000000", opts: []Option{WithEnvironment(EnvironmentLive)}, wantURL: "https://api.stytch.com"},
		{name: "base URL wins over environment", projectID: liveProjectID, opts: []Option{WithEnvironment(EnvironmentLive), WithBaseURL("https://proxy.example/stytch")}, wantURL: "https://proxy.example/stytch"},
		{name: "base URL wins, other order", projectID: liveProjectID, opts: []Option{WithBaseURL("https://proxy.example/stytch"), WithEnvironment(EnvironmentLive)}, wantURL: "https://proxy.example/stytch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := httpmock.NewMockTransport()
			mock.RegisterResponder(http.MethodPut, tt.wantURL+"/v1/b2b/sso/saml/"+testOrgID+"/connections/"+testSAMLID,
				httpmock.NewStringResponder(http.StatusOK, samlOK).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
			c, err := New(tt.projectID, testSecret, append(tt.opts, WithHTTPClient(&http.Client{Transport: mock}))...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantURL, c.BaseURL())
			_, err = c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			require.NoError(t, err)
			assert.Equal(t, 1, mock.GetTotalCallCount())
		})
	}
}

// TestNewDoesNoIO builds a client through a transport that fails the test
// on any request.
func TestNewDoesNoIO(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	_, err := New(testProjectID, testSecret, WithHTTPClient(&http.Client{Transport: mock}), WithBaseURL("http://127.0.0.1:1"))
	require.NoError(t, err)
	assert.Zero(t, mock.GetTotalCallCount())
}

func TestCallRejectsBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		org     string
		conn    string
		opts    []CallOption
		wantErr string
	}{
		{name: "empty organization", conn: testSAMLID, wantErr: "UpdateSAMLConnection: empty organizationID"},
		{name: "empty connection", org: testOrgID, wantErr: "UpdateSAMLConnection: empty connectionID"},
		{name: "dot-dot organization", org: "..", conn: testSAMLID, wantErr: `organizationID ".." is a dot segment`},
		{name: "dot connection", org: testOrgID, conn: ".", wantErr: `connectionID "." is a dot segment`},
		{name: "token and JWT", org: testOrgID, conn: testSAMLID, opts: []CallOption{WithMemberSessionToken("tok-canary-1"), WithMemberSessionJWT("jwt-canary-1")}, wantErr: "WithMemberSessionToken and WithMemberSessionJWT conflict"},
		{name: "JWT and token", org: testOrgID, conn: testSAMLID, opts: []CallOption{WithMemberSessionJWT("jwt-canary-1"), WithMemberSessionToken("tok-canary-1")}, wantErr: "conflict"},
		{name: "empty token", org: testOrgID, conn: testSAMLID, opts: []CallOption{WithMemberSessionToken("")}, wantErr: "WithMemberSessionToken: empty session token"},
		{name: "empty JWT", org: testOrgID, conn: testSAMLID, opts: []CallOption{WithMemberSessionJWT("")}, wantErr: "WithMemberSessionJWT: empty session JWT"},
		{name: "token with newline", org: testOrgID, conn: testSAMLID, opts: []CallOption{WithMemberSessionToken("tok-canary-1\r\nX: y")}, wantErr: "control or non-ASCII"},
		{name: "token twice", org: testOrgID, conn: testSAMLID, opts: []CallOption{WithMemberSessionToken("tok-canary-1"), WithMemberSessionToken("tok-canary-2")}, wantErr: "given more than once"},
		{name: "nil call option", org: testOrgID, conn: testSAMLID, opts: []CallOption{nil}, wantErr: "call option 0 is nil"},
		{name: "nil response meta", org: testOrgID, conn: testSAMLID, opts: []CallOption{WithResponseMeta(nil)}, wantErr: "nil *ResponseMeta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := setup(t, nil)
			conn, err := c.UpdateSAMLConnection(context.Background(), tt.org, tt.conn, nil, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, conn)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "canary")
			assert.Empty(t, rec.requests(), "nothing sent")
		})
	}
}

func TestResponseMeta(t *testing.T) {
	t.Parallel()
	c, _ := setup(t, nil)
	var meta ResponseMeta
	conn, err := c.UpdateExternalConnection(context.Background(), testOrgID, testExtID, nil, WithResponseMeta(&meta))
	require.NoError(t, err)
	assert.Equal(t, testExtID, conn.ConnectionID)
	assert.Equal(t, ResponseMeta{StatusCode: 200, RequestID: "request-id-test-ok-2", Attempts: 1}, meta)
}

// TestMiddlewareSeesEveryAttempt checks the layering: middleware sits
// inside the retry layer, in the order given, the first closest to the
// network.
func TestMiddlewareSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	var order []string
	var mu sync.Mutex
	var seen atomic.Int32
	mw := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				order = append(order, name)
				mu.Unlock()
				if name == "inner" {
					seen.Add(1)
				}
				return next.RoundTrip(r)
			})
		}
	}
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		okResponder(w, r, n)
	}, WithTransportMiddleware(mw("inner")), WithTransportMiddleware(mw("outer")))
	_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
	require.NoError(t, err)
	assert.Len(t, rec.requests(), 3)
	assert.Equal(t, int32(3), seen.Load(), "middleware saw every attempt")
	assert.Equal(t, []string{"outer", "inner", "outer", "inner", "outer", "inner"}, order)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNoRedirects: a redirect is returned as an error, never followed, so
// credentials are not resent elsewhere.
func TestNoRedirects(t *testing.T) {
	t.Parallel()
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusTemporaryRedirect)
	})
	_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.Len(t, rec.requests(), 1)
}

// TestConcurrentUse shares one client between many goroutines, under -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	var failed sync.Map
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
		// The first attempt of every third connection fails and is retried.
		if strings.HasSuffix(r.URL.Path, "0") {
			if _, again := failed.LoadOrStore(r.URL.Path, true); !again {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
		}
		okResponder(w, r, n)
	})
	const goroutines, calls = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls)
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				var meta ResponseMeta
				var err error
				if (g+i)%2 == 0 {
					_, err = c.UpdateSAMLConnection(context.Background(), testOrgID, fmt.Sprintf("conn-%d-%d", g, i), &SAMLConnectionUpdate{DisplayName: Ptr(fmt.Sprint(g))}, WithMemberSessionToken(fmt.Sprintf("tok-%d", g)), WithResponseMeta(&meta))
				} else {
					_, err = c.UpdateExternalConnection(context.Background(), testOrgID, fmt.Sprintf("conn-%d-%d", g, i), nil, WithMemberSessionJWT(fmt.Sprintf("jwt-%d", g)), WithResponseMeta(&meta))
				}
				if err == nil && meta.StatusCode != 200 {
					err = fmt.Errorf("meta %+v", meta)
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	// Each request carried its own goroutine's member header.
	for _, s := range rec.requests() {
		tok, jwt := s.req.Header.Get("X-Stytch-Member-Session"), s.req.Header.Get("X-Stytch-Member-SessionJWT")
		assert.True(t, (tok == "") != (jwt == ""), "exactly one member header")
	}
	assert.GreaterOrEqual(t, len(rec.requests()), goroutines*calls)
}
