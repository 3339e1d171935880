package sso

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
)

// samlOKServer is a loopback server that reads each request's body and
// answers 200 with samlOK.
func samlOKServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, samlOK)
	}))
}

// smallSAMLUpdate is the request of the small benchmarks: a display name, a
// flag and one implicit role assignment.
func smallSAMLUpdate() *SAMLConnectionUpdate {
	return &SAMLConnectionUpdate{DisplayName: Ptr("Acme Okta"), IDPInitiatedAuthDisabled: Ptr(false),
		SAMLConnectionImplicitRoleAssignments: &[]stytchsso.SAMLConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}}}
}

// BenchmarkUpdateSAMLConnection compares one client call over loopback with
// a hand-written net/http + encoding/json call doing the same request, in
// the same run.
func BenchmarkUpdateSAMLConnection(b *testing.B) {
	srv := samlOKServer()
	defer srv.Close()
	params := smallSAMLUpdate()
	ctx := context.Background()

	baseline := newBaselineCall(srv.URL, params)
	b.Run("baseline=net/http", func(b *testing.B) {
		defer baseline.close()
		b.ReportAllocs()
		for b.Loop() {
			baseline.do(b, ctx)
		}
	})
	for _, variant := range []string{"retries=true", "retries=false", "validate=strict"} {
		b.Run("client/"+variant, func(b *testing.B) {
			opts := []Option{WithBaseURL(srv.URL)}
			switch variant {
			case "retries=false":
				opts = append(opts, WithoutRetries())
			case "validate=strict":
				opts = append(opts, withValidation(faultValidator(), contract.CheckConfig{}))
			}
			c, err := New(testProjectID, testSecret, opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer c.CloseIdleConnections()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, params, WithMemberSessionToken("session-token-test")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// baselineCall is the hand-written net/http + encoding/json call the client
// is compared with: the same request (auth, member session, body) and the
// same decode into the generated type.
type baselineCall struct {
	hc     *http.Client
	target string
	params *SAMLConnectionUpdate
}

func newBaselineCall(serverURL string, params *SAMLConnectionUpdate) *baselineCall {
	return &baselineCall{
		hc:     &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		target: serverURL + "/v1/b2b/sso/saml/" + url.PathEscape(testOrgID) + "/connections/" + url.PathEscape(testSAMLID),
		params: params,
	}
}

func (bc *baselineCall) close() { bc.hc.CloseIdleConnections() }

func (bc *baselineCall) do(b *testing.B, ctx context.Context) {
	buf, err := json.Marshal(bc.params)
	if err != nil {
		b.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, bc.target, bytes.NewReader(buf))
	if err != nil {
		b.Fatal(err)
	}
	req.SetBasicAuth(testProjectID, testSecret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "baseline")
	req.Header.Set("X-Stytch-Member-Session", "session-token-test")
	resp, err := bc.hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var out success[SAMLConnection]
	err = json.NewDecoder(io.LimitReader(resp.Body, DefaultMaxResponseBytes)).Decode(&out)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || out.Connection == nil {
		b.Fatal(err, resp.StatusCode)
	}
}

// BenchmarkClientVsBaselineInterleaved alternates one baseline call and one
// client call in every iteration and times each, so that both see the same
// machine at the same moment: on a shared machine, drift between two
// separate sub-benchmarks is larger than the difference being measured. The
// order alternates too, so neither always follows the other. Each case
// reports:
//   - client/baseline: the ratio of the mean times per call, which a GC
//     cycle or a stolen CPU slice landing on one side moves;
//   - client/baseline-median: the ratio of the median times per call,
//     which such outliers do not move.
//
// The cases:
//   - defaults,bare-baseline: the client as New builds it (retries, a 30 s
//     timer per attempt) against a baseline with no timeout, both called
//     with context.Background();
//   - unbounded,bare-baseline: the same, but the client gets an
//     http.Client without Timeout through WithHTTPClient, so that neither
//     side bounds the call;
//   - defaults,timeout-baseline: the same client against a baseline whose
//     http.Client has Timeout set to DefaultAttemptTimeout, so that both
//     bound each call the same way;
//   - defaults,caller-deadline: both called with a context that has a
//     deadline, as a server handling a request would; the client then
//     adds no timer of its own;
//   - no-retries,caller-deadline: as above, with WithoutRetries.
func BenchmarkClientVsBaselineInterleaved(b *testing.B) {
	srv := samlOKServer()
	defer srv.Close()
	params := smallSAMLUpdate()
	for _, tc := range []struct {
		name            string
		opts            []Option
		baselineTimeout time.Duration
		callerDeadline  bool
	}{
		{name: "defaults,bare-baseline"},
		{name: "unbounded,bare-baseline", opts: []Option{WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()})}},
		{name: "defaults,timeout-baseline", baselineTimeout: DefaultAttemptTimeout},
		{name: "defaults,caller-deadline", callerDeadline: true},
		{name: "no-retries,caller-deadline", opts: []Option{WithoutRetries()}, callerDeadline: true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			if tc.callerDeadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
			}
			baseline := newBaselineCall(srv.URL, params)
			baseline.hc.Timeout = tc.baselineTimeout
			defer baseline.close()
			c, err := New(testProjectID, testSecret, append([]Option{WithBaseURL(srv.URL)}, tc.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			defer c.CloseIdleConnections()
			tBase, tClient := testutil.Interleave(b, func() { baseline.do(b, ctx) }, func() {
				if _, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, params, WithMemberSessionToken("session-token-test")); err != nil {
					b.Fatal(err)
				}
			})
			meanBase, meanClient := mean(tBase), mean(tClient)
			b.ReportMetric(meanBase, "baseline-ns/call")
			b.ReportMetric(meanClient, "client-ns/call")
			b.ReportMetric(meanClient/meanBase, "client/baseline")
			b.ReportMetric(testutil.Median(tClient)/testutil.Median(tBase), "client/baseline-median")
		})
	}
}

// mean is the mean of ds in nanoseconds.
func mean(ds []time.Duration) float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return float64(sum) / float64(len(ds))
}

// BenchmarkClientScaling makes the same call with 1, 10, 100 and 1,000 group
// role assignments in the request and in the response, to show that the
// client's cost grows linearly with body size.
func BenchmarkClientScaling(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 10, 100, 1000} {
		groups := make([]stytchsso.SAMLGroupImplicitRoleAssignment, n)
		for i := range groups {
			groups[i] = stytchsso.SAMLGroupImplicitRoleAssignment{RoleID: fmt.Sprintf("role-%04d", i), Group: fmt.Sprintf("group-%04d", i)}
		}
		var resp map[string]any
		if err := json.Unmarshal([]byte(samlOK), &resp); err != nil {
			b.Fatal(err)
		}
		resp["connection"].(map[string]any)["saml_group_implicit_role_assignments"] = groups
		body, err := json.Marshal(resp)
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}))
		params := &SAMLConnectionUpdate{SAMLGroupImplicitRoleAssignments: &groups}
		b.Run(fmt.Sprintf("assignments=%d", n), func(b *testing.B) {
			c, err := New(testProjectID, testSecret, WithBaseURL(srv.URL), WithoutRetries())
			if err != nil {
				b.Fatal(err)
			}
			defer c.CloseIdleConnections()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				conn, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, params)
				if err != nil || len(conn.SAMLGroupImplicitRoleAssignments) != n {
					b.Fatal(err)
				}
			}
		})
		srv.Close()
	}
}

// cannedRT answers every request with samlOK from memory.
type cannedRT struct{}

func (cannedRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, ContentLength: int64(len(samlOK)), Body: io.NopCloser(strings.NewReader(samlOK)), Request: r}, nil
}

// BenchmarkOverheadNoNetwork measures what the client itself costs per call,
// without a network: the transport answers from memory. The baseline builds
// the same request and decodes the same response by hand.
func BenchmarkOverheadNoNetwork(b *testing.B) {
	params := &SAMLConnectionUpdate{DisplayName: Ptr("Acme Okta")}
	ctx := context.Background()
	b.Run("baseline=net/http", func(b *testing.B) {
		hc := &http.Client{Transport: cannedRT{}}
		target := "http://127.0.0.1:1/v1/b2b/sso/saml/" + url.PathEscape(testOrgID) + "/connections/" + url.PathEscape(testSAMLID)
		b.ReportAllocs()
		for b.Loop() {
			buf, _ := json.Marshal(params)
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, target, bytes.NewReader(buf))
			req.SetBasicAuth(testProjectID, testSecret)
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out stytchsso.UpdateSAMLConnectionResponseBody
			_ = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
		}
	})
	for _, name := range []string{"client/retries=true", "client/retries=false"} {
		b.Run(name, func(b *testing.B) {
			opts := []Option{WithBaseURL("http://127.0.0.1:1"), WithHTTPClient(&http.Client{Transport: cannedRT{}})}
			if name == "client/retries=false" {
				opts = append(opts, WithoutRetries())
			}
			c, _ := New(testProjectID, testSecret, opts...)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOverheadNoNetworkInterleaved is BenchmarkOverheadNoNetwork with
// the baseline and the client alternating in every iteration, reporting
// the medians per call and the client's extra time (median minus median):
// the client's own CPU cost, steadier than two separate sub-benchmarks.
// The client keeps its default options; only the base transport is
// replaced, so the retry layer and the attempt timer are in the path.
func BenchmarkOverheadNoNetworkInterleaved(b *testing.B) {
	params := &SAMLConnectionUpdate{DisplayName: Ptr("Acme Okta")}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opts []Option
	}{{"defaults", nil}, {"no-retries", []Option{WithoutRetries()}}} {
		b.Run(tc.name, func(b *testing.B) {
			baseline := newBaselineCall("http://127.0.0.1:1", params)
			baseline.hc = &http.Client{Transport: cannedRT{}}
			opts := append([]Option{WithBaseURL("http://127.0.0.1:1"),
				WithTransportMiddleware(func(http.RoundTripper) http.RoundTripper { return cannedRT{} })}, tc.opts...)
			c, err := New(testProjectID, testSecret, opts...)
			if err != nil {
				b.Fatal(err)
			}
			tBase, tClient := testutil.Interleave(b, func() { baseline.do(b, ctx) }, func() {
				if _, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, params, WithMemberSessionToken("session-token-test")); err != nil {
					b.Fatal(err)
				}
			})
			mb, mc := testutil.Median(tBase), testutil.Median(tClient)
			b.ReportMetric(mb, "baseline-ns/call")
			b.ReportMetric(mc, "client-ns/call")
			b.ReportMetric(mc-mb, "client-extra-ns/call")
		})
	}
}

// pemHeavyCall is a realistic SAML update: all 15 fields of the request,
// two RSA private keys and a certificate in it (PEM, about 3.5 KB), and a
// 200 response of about 3.6 KB with a signing and a verification
// certificate.
func pemHeavyCall(tb testing.TB) (*SAMLConnectionUpdate, string) {
	keyA, keyB := testutil.FakePEM("RSA PRIVATE KEY", 850, 1), testutil.FakePEM("RSA PRIVATE KEY", 850, 2)
	cert := testutil.FakePEM("CERTIFICATE", 800, 3)
	params := &SAMLConnectionUpdate{
		AllowGatewayCallback:   Ptr(false),
		AlternativeACSURL:      Ptr("https://legacy.example.test/saml/acs"),
		AlternativeAudienceURI: Ptr("https://legacy.example.test/saml/metadata"),
		AttributeMapping: &stytchsso.AttributeMapping{"email": "NameID", "first_name": "firstName",
			"last_name": "lastName", "groups": "groups"},
		DisplayName:                           Ptr("Acme Okta"),
		IdentityProvider:                      Ptr(stytchsso.IdentityProvider("okta")),
		IDPEntityID:                           Ptr("https://idp.example.test/metadata"),
		IDPInitiatedAuthDisabled:              Ptr(true),
		IDPSSOURL:                             Ptr("https://idp.example.test/sso/saml"),
		NameIDFormat:                          Ptr("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
		SAMLConnectionImplicitRoleAssignments: &[]stytchsso.SAMLConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}},
		SAMLEncryptionPrivateKey:              Ptr(keyA),
		SAMLGroupImplicitRoleAssignments:      &[]stytchsso.SAMLGroupImplicitRoleAssignment{{Group: "admins", RoleID: "stytch_admin"}},
		SigningPrivateKey:                     Ptr(keyB),
		X509Certificate:                       Ptr(cert),
	}
	created := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	expires := created.AddDate(10, 0, 0)
	acs := "https://test.stytch.com/v1/b2b/sso/callback/" + testSAMLID
	resp := stytchsso.UpdateSAMLConnectionResponseBody{
		RequestID:  "request-id-test-0f4b8c2d-9e61-4a37-b5d8-6c1e2f3a4b50",
		StatusCode: 200,
		Connection: stytchsso.SAMLConnection{
			ACSURL: acs, AlternativeACSURL: *params.AlternativeACSURL, AlternativeAudienceURI: *params.AlternativeAudienceURI,
			AttributeMapping: params.AttributeMapping, AudienceURI: acs, ConnectionID: testSAMLID,
			DisplayName: *params.DisplayName, EncryptionPrivateKeys: []stytchsso.EncryptionPrivateKey{},
			IdentityProvider: "okta", IDPEntityID: *params.IDPEntityID, IDPInitiatedAuthDisabled: true,
			IDPSSOURL: *params.IDPSSOURL, NameIDFormat: *params.NameIDFormat, OrganizationID: testOrgID,
			SAMLConnectionImplicitRoleAssignments: *params.SAMLConnectionImplicitRoleAssignments,
			SAMLGroupImplicitRoleAssignments:      *params.SAMLGroupImplicitRoleAssignments,
			SigningCertificates: []stytchsso.X509Certificate{{Certificate: testutil.FakePEM("CERTIFICATE", 620, 4),
				CertificateID: "saml-signing-certificate-test-1a2b3c4d", CreatedAt: &created, ExpiresAt: &expires,
				Issuer: "Stytch", UpdatedAt: &created}},
			Status: "active",
			VerificationCertificates: []stytchsso.X509Certificate{{Certificate: testutil.FakePEM("CERTIFICATE", 620, 5),
				CertificateID: "saml-verification-certificate-test-5e6f7a8b", CreatedAt: &created, ExpiresAt: &expires,
				Issuer: "idp.example.test", UpdatedAt: &created}},
		},
	}
	body, err := json.Marshal(resp)
	if err != nil {
		tb.Fatal(err)
	}
	if pems := len(keyA) + len(keyB) + len(cert); pems < 3300 || pems > 3700 {
		tb.Fatalf("request PEMs are %d bytes, want about 3.5 KB", pems)
	}
	if len(body) < 3400 || len(body) > 3800 {
		tb.Fatalf("response is %d bytes, want about 3.6 KB", len(body))
	}
	return params, string(body)
}

// cannedBody answers every request with a 200 carrying its JSON from memory.
type cannedBody string

func (c cannedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(c)), Body: io.NopCloser(strings.NewReader(string(c))), Request: r}, nil
}

// BenchmarkValidationOverhead measures what report-mode validation adds to
// a realistic call (pemHeavyCall) with the response answered from memory,
// so that only CPU is measured: the same client with and without
// validation (withValidation, what ssocheck.WithValidation does), alternating in every iteration. It reports the medians
// per call, validated/plain (the target is at most 2.0: validation costing
// no more than the call), and the allocations each call makes. Cases: a
// default validator, and a strict one.
func BenchmarkValidationOverhead(b *testing.B) {
	params, body := pemHeavyCall(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		strict bool
	}{{"report", false}, {"report-strict", true}} {
		b.Run(tc.name, func(b *testing.B) {
			v, err := contract.New(contract.WithStrict(tc.strict))
			if err != nil {
				b.Fatal(err)
			}
			var violations atomic.Int64
			hc := &http.Client{Transport: cannedBody(body)}
			plain, err := New(testProjectID, testSecret, WithBaseURL("http://127.0.0.1:1"), WithHTTPClient(hc), WithoutRetries())
			if err != nil {
				b.Fatal(err)
			}
			checked, err := New(testProjectID, testSecret, WithBaseURL("http://127.0.0.1:1"), WithHTTPClient(hc), WithoutRetries(),
				withValidation(v, contract.CheckConfig{Mode: contract.Monitor, OnViolation: func(context.Context, *contract.Pair, []contract.Violation) {
					violations.Add(1)
				}}))
			if err != nil {
				b.Fatal(err)
			}
			call := func(c *Client) func() {
				return func() {
					conn, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, params)
					if err != nil || len(conn.VerificationCertificates) != 1 {
						b.Fatal(err)
					}
				}
			}
			allocsPlain := testing.AllocsPerRun(50, call(plain))
			allocsChecked := testing.AllocsPerRun(50, call(checked))
			if violations.Load() != 0 {
				b.Fatal("the fixture breaks the contract")
			}
			tPlain, tChecked := testutil.Interleave(b, call(plain), call(checked))
			if violations.Load() != 0 {
				b.Fatal("violations reported")
			}
			mp, mc := testutil.Median(tPlain), testutil.Median(tChecked)
			b.ReportMetric(mp, "plain-ns/call")
			b.ReportMetric(mc, "validated-ns/call")
			b.ReportMetric(mc/mp, "validated/plain")
			b.ReportMetric(allocsChecked-allocsPlain, "validation-allocs/call")
		})
	}
}
