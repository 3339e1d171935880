package contract

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adminPagePairs is what a browser or proxy records while an admin page
// updates both connections: the page and its assets, fonts and analytics on
// other hosts, CORS preflights, and other Stytch endpoints the spec does not
// describe. want is each pair's reason by default.
func adminPagePairs(t *testing.T) (pairs []*Pair, want []Reason) {
	t.Helper()
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	stytchGET := func(path string) *Pair {
		return &Pair{Method: http.MethodGet, URL: "https://test.stytch.com" + path,
			RequestHeader: http.Header{"Authorization": {basicAuth()}},
			StatusCode:    200, ResponseHeader: jsonHeader, ResponseBody: []byte(`{"status_code":200,"request_id":"r"}`), Index: -1}
	}
	add := func(p *Pair, r Reason) {
		pairs = append(pairs, p)
		want = append(want, r)
	}
	add(&Pair{Method: http.MethodGet, URL: "https://admin.example.com/settings/sso", StatusCode: 200,
		ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, ResponseBody: []byte("<!doctype html>"), Index: -1}, ReasonStaticAsset)
	add(&Pair{Method: http.MethodGet, URL: "https://admin.example.com/assets/app.3f2a.js", StatusCode: 200,
		ResponseHeader: http.Header{"Content-Type": {"application/javascript"}}, Index: -1}, ReasonStaticAsset)
	add(&Pair{Method: http.MethodGet, URL: "https://admin.example.com/assets/app.css", StatusCode: 304, Index: -1}, ReasonStaticAsset)
	add(&Pair{Method: http.MethodGet, URL: "https://fonts.gstatic.com/s/inter/v12/abc.woff2", StatusCode: 200,
		ResponseHeader: http.Header{"Content-Type": {"font/woff2"}}, Index: -1}, ReasonStaticAsset)
	add(&Pair{Method: http.MethodGet, URL: "https://admin.example.com/favicon", StatusCode: 200,
		ResponseHeader: http.Header{"Content-Type": {"image/x-icon"}}, Index: -1}, ReasonStaticAsset)
	add(&Pair{Method: http.MethodPost, URL: "https://analytics.example.net/v1/collect", StatusCode: 204, Index: -1}, ReasonOtherHost)
	add(&Pair{Method: http.MethodGet, URL: "https://admin.example.com/api/me", StatusCode: 200, ResponseHeader: jsonHeader,
		ResponseBody: []byte(`{"id":1}`), Index: -1}, ReasonOtherHost)
	// A preflight for the SAML update, to the spec's own path.
	pre := samlPair(t)
	pre.Method, pre.RequestBody, pre.ResponseBody, pre.StatusCode = http.MethodOptions, nil, nil, 204
	pre.RequestHeader = http.Header{"Access-Control-Request-Method": {"PUT"}, "Origin": {"https://admin.example.com"}}
	pre.ResponseHeader = http.Header{"Access-Control-Allow-Methods": {"PUT"}}
	add(pre, ReasonPreflight)
	// Other Stytch endpoints: organization get, member search, SSO get.
	add(stytchGET("/v1/b2b/organizations/"+testOrgID), ReasonOutsideAPI)
	search := stytchGET("/v1/b2b/organizations/members/search")
	search.Method, search.RequestBody = http.MethodPost, []byte(`{"organization_ids":["x"]}`)
	add(search, ReasonOutsideAPI)
	add(stytchGET("/v1/b2b/sso/"+testOrgID), ReasonOutsideAPI)
	// The two calls the spec describes, valid.
	add(samlPair(t), ReasonOperation)
	add(externalPair(t), ReasonOperation)
	return pairs, want
}

func TestScopeOfAnAdminPageCapture(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, compiled := range []bool{true, false} {
		strict := newValidator(t, WithStrict(true), WithCompiledBodies(compiled))
		pairs, want := adminPagePairs(t)
		counts := map[Reason]int{}
		for i, p := range pairs {
			d := strict.Route(p)
			assert.Equal(t, want[i], d.Reason, "pair %d %s %s", i, p.Method, p.URL)
			assert.Equal(t, want[i] == ReasonOperation, d.Checked(), "pair %d", i)
			counts[d.Reason]++
			assert.Empty(t, strict.Validate(ctx, p), "strict Validate(pair %d %s %s)", i, p.Method, p.URL)
		}
		assert.Equal(t, map[Reason]int{ReasonOperation: 2, ReasonStaticAsset: 5, ReasonOtherHost: 2, ReasonPreflight: 1, ReasonOutsideAPI: 3}, counts)

		// Drift in the capture is still caught, and only there.
		pairs[len(pairs)-2].RequestBody = edit(t, pairs[len(pairs)-2].RequestBody, func(m map[string]any) { m["new_field"] = true })
		for i, p := range pairs {
			got := strict.Validate(ctx, p)
			if i == len(pairs)-2 {
				require.Len(t, got, 1, "%v", got)
				assert.Equal(t, KindUndocumentedField, got[0].Kind)
			} else {
				assert.Empty(t, got, "pair %d", i)
			}
		}
	}
}

func TestScopeWidened(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pairs, want := adminPagePairs(t)
	sso := newValidator(t, WithStrict(true), WithScope("/v1/b2b/sso/"))
	host := newValidator(t, WithStrict(true), WithScope("test.stytch.com"))
	hostPrefix := newValidator(t, WithStrict(true), WithScope("TEST.stytch.com/v1/b2b/organizations"))
	lax := newValidator(t, WithScope("test.stytch.com"))
	unknown := func(v *Validator) (n int) {
		for i, p := range pairs {
			d := v.Route(p)
			got := v.Validate(ctx, p)
			if d.Reason == ReasonUnknownOperation || d.Reason == ReasonUndeclaredOperation {
				n++
				assert.Equal(t, v.strict, d.Checked(), "checked in strict mode only")
				assert.Equal(t, ReasonOutsideAPI, want[i], "only calls outside the spec become unknown operations")
				if v.strict {
					require.Len(t, got, 1)
					assert.Equal(t, KindUnknownOperation, got[0].Kind)
					assert.Equal(t, d.Method+" "+d.Path, got[0].Operation)
				}
			}
			if d.Reason != ReasonUnknownOperation {
				assert.Empty(t, got, "pair %d %s %s", i, p.Method, p.URL)
			}
		}
		return n
	}
	assert.Equal(t, 1, unknown(sso), "GET /v1/b2b/sso/{organization_id}")
	assert.Equal(t, 3, unknown(host), "every Stytch call the spec lacks")
	assert.Equal(t, 2, unknown(hostPrefix), "organization get and member search")
	assert.Equal(t, 3, unknown(lax), "in scope, but only strict mode reports them")

	// A prefix matches whole segments.
	assert.Equal(t, ReasonOutsideAPI, sso.Route(&Pair{Method: "GET", URL: "https://test.stytch.com/v1/b2b/ssox/1"}).Reason)
	assert.Equal(t, ReasonUndeclaredOperation, newValidator(t, WithScope("/v1/b2b/sso")).Route(&Pair{Method: "GET", URL: "https://x/v1/b2b/sso/1"}).Reason)
	// Prefixes and paths are compared as URLs.
	assert.Equal(t, ReasonUndeclaredOperation, newValidator(t, WithScope("/v1/b2b/sso")).Route(&Pair{Method: "GET", URL: "https://x/v1/b2b/%73so/1"}).Reason)
	assert.Equal(t, ReasonUndeclaredOperation, newValidator(t, WithScope("/v1/b2b/%73so")).Route(&Pair{Method: "GET", URL: "https://x/v1/b2b/sso/1"}).Reason)

	for _, bad := range []string{"", "https://test.stytch.com/v1", "/v1 b2b", "/v1/\n", "/a//b", "/v1?x"} {
		_, err := New(WithScope(bad))
		assert.Error(t, err, "WithScope(%q)", bad)
	}
	_, err := New(WithScope())
	assert.Error(t, err)
}

func TestScopeDefaults(t *testing.T) {
	t.Parallel()
	v := newValidator(t, WithStrict(true))
	tests := []struct {
		method, url string
		want        Reason
	}{
		{"PUT", "http://127.0.0.1:9/v1/b2b/sso/saml/o/connections/c", ReasonOperation},
		{"GET", "https://anything.example/v1/b2b/sso/saml/o/connections/c", ReasonUnknownOperation},
		{"OPTIONS", "https://test.stytch.com/v1/b2b/sso/saml/o/connections/c", ReasonUnknownOperation}, // no Access-Control-Request-Method
		{"PUT", "https://test.stytch.com/v1/b2b/sso/oidc/o/connections/c", ReasonOutsideAPI},
		{"PUT", "https://other.example/v1/b2b/sso/oidc/o/connections/c", ReasonOtherHost},
		{"PUT", "https://API.stytch.com:443/v1/b2b/sso/oidc/o/connections/c", ReasonOutsideAPI},
		{"PUT", "https://api.stytch.com./v1/b2b/sso/oidc/o/connections/c", ReasonOutsideAPI},
		// A percent-encoded unreserved character in the host is the
		// character (RFC 3986, 6.2.2.2), though url.Parse refuses it.
		{"PUT", "https://%74est.stytch.com/v1/b2b/sso/saml/o/connections/c", ReasonOperation},
		{"PUT", "https://%74est.stytch.com/v1/b2b/sso/oidc/o/connections/c", ReasonOutsideAPI},
		{"PUT", "https://%zzest.stytch.com/v1/b2b/sso/saml/o/connections/c", ReasonBadURL},
		{"PUT", "http://127.0.0.1:8080/v1/b2b/sso/oidc/o/connections/c", ReasonOutsideAPI},
		{"PUT", "http://[::1]:8080/v1/b2b/sso/oidc/o/connections/c", ReasonOutsideAPI},
		{"PUT", "http://localhost/v1/b2b/sso/oidc/o/connections/c", ReasonOutsideAPI},
		{"GET", "https://test.stytch.com/robots.txt", ReasonStaticAsset},
		{"PUT", "://bad", ReasonBadURL},
	}
	for _, tc := range tests {
		d := v.Route(&Pair{Method: tc.method, URL: tc.url})
		assert.Equal(t, tc.want, d.Reason, "%s %s", tc.method, tc.url)
	}
	assert.Equal(t, ReasonBadURL, v.Route(nil).Reason)
}

// TestCheckIsRouteAndValidate: the one-pass form agrees with the two
// calls, pair by pair, checked and skipped, clean and drifting.
func TestCheckIsRouteAndValidate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pairs, _ := adminPagePairs(t)
	drift := samlPair(t)
	drift.RequestBody = edit(t, drift.RequestBody, func(m map[string]any) { m["display_name"] = 1 })
	wrong := samlPair(t)
	wrong.Method = http.MethodPatch
	pairs = append(pairs, drift, wrong, nil)
	for _, v := range []*Validator{newValidator(t), newValidator(t, WithStrict(true), WithScope("/v1/b2b/"))} {
		violations := 0
		for i, p := range pairs {
			res := v.Check(ctx, p)
			assert.Equal(t, v.Route(p), res.Route, "pair %d", i)
			assert.Equal(t, v.Validate(ctx, p), res.Violations, "pair %d", i)
			violations += len(res.Violations)
		}
		assert.Positive(t, violations)
	}
}

const samlTemplate = "/v1/b2b/sso/saml/{organization_id}/connections/{connection_id}"

// TestRouteComparesURLsAsURLs: a path spelled with percent-encoded
// unreserved characters is the spec's path, validated as such; near misses
// (empty and dot segments) are unknown operations naming the template in
// strict mode and skipped under their own reason otherwise; a reserved
// character percent-encoded is not the character.
func TestRouteComparesURLsAsURLs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	strict := newValidator(t, WithStrict(true))
	lax := newValidator(t)
	const host = "https://test.stytch.com"
	rest := "/" + testOrgID + "/connections/" + testSAMLID
	tests := []struct {
		name, path string
		strict     Reason // the lax reason follows from it
	}{
		{"as written", "/v1/b2b/sso/saml" + rest, ReasonOperation},
		{"%73aml", "/v1/b2b/sso/%73aml" + rest, ReasonOperation},
		{"%76%31", "/%76%31/b2b/sso/saml" + rest, ReasonOperation},
		{"%53 is S, not s", "/v1/b2b/%73%53o/saml" + rest, ReasonOutsideAPI}, // %53 is "S": paths are case-sensitive
		{"every character", "/%76%31/%62%32%62/%73%73%6F/%73%61%6D%6C" + rest, ReasonOperation},
		{"unreserved marks in a parameter", "/v1/b2b/sso/saml/org%2Dtest%5F%7E%2E" + "/connections/" + testSAMLID, ReasonOperation},
		{"%2F is not /", "/v1/b2b/sso%2Fsam1" + rest, ReasonOutsideAPI},
		{"trailing /", "/v1/b2b/sso/saml" + rest + "/", ReasonUnknownOperation},
		{"//v1", "//v1/b2b/sso/saml" + rest, ReasonUnknownOperation},
		{"empty segment", "/v1/b2b//sso/saml" + rest, ReasonUnknownOperation},
		{"/./", "/v1/./b2b/sso/saml" + rest, ReasonUnknownOperation},
		{"%2E segment", "/v1/%2E/b2b/sso/saml" + rest, ReasonUnknownOperation},
		{".. resolved", "/v1/b2b/sso/external/../saml" + rest, ReasonUnknownOperation},
		{".. dropped", "/v1/b2b/sso/../saml" + rest, ReasonUnknownOperation},
		{"trailing / elsewhere", "/v1/b2b/sso/oidc" + rest + "/", ReasonOutsideAPI},
		// A dot segment is one wherever it stands, a parameter's place too.
		{". for a parameter", "/v1/b2b/sso/saml/./connections/" + testSAMLID, ReasonUnknownOperation},
		{".. for a parameter", "/v1/b2b/sso/saml/../connections/" + testSAMLID, ReasonUnknownOperation},
		{"%2E%2E for a parameter", "/v1/b2b/sso/saml/%2E%2E/connections/" + testSAMLID, ReasonUnknownOperation},
		{"%2e for the last parameter", "/v1/b2b/sso/saml/" + testOrgID + "/connections/%2e", ReasonUnknownOperation},
		// Servers differ on whether %2F separates segments: a path that is
		// the spec's only once it does is a near miss.
		{"sso%2Fsaml", "/v1/b2b/sso%2Fsaml" + rest, ReasonUnknownOperation},
		{"..%2F", "/v1/b2b/sso/external/..%2Fsaml" + rest, ReasonUnknownOperation},
		{"%2f..%2f", "/v1/b2b/sso/external%2f..%2fsaml" + rest, ReasonUnknownOperation},
		// Some servers (and every browser) take a "\" (%5C) for a "/".
		{"%5c", "/v1/b2b%5csso/saml" + rest, ReasonUnknownOperation},
		// Some servers strip ";" parameters from segments before routing.
		{";x=1", "/v1/b2b/sso/saml;x=1" + rest, ReasonUnknownOperation},
		{";jsessionid", "/v1;jsessionid=A1/b2b/sso/saml" + rest, ReasonUnknownOperation},
		{"%3B is not ;", "/v1/b2b/sso/saml%3Bx=1" + rest, ReasonOutsideAPI},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := samlPair(t)
			p.URL = host + tc.path
			p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["brand_new_field"] = 1 })

			r := strict.Route(p)
			assert.Equal(t, tc.strict, r.Reason)
			assert.Equal(t, tc.path, r.Path, "the path as sent")
			got := strict.Validate(ctx, p)
			switch tc.strict {
			case ReasonOperation:
				assert.Equal(t, "UpdateSAMLConnection", r.Operation)
				assert.Equal(t, samlTemplate, r.Template)
				require.Len(t, got, 1, "%v", got)
				assert.Equal(t, KindUndocumentedField, got[0].Kind)
				assert.Equal(t, tc.path, got[0].Path)
				assert.Equal(t, ReasonOperation, lax.Route(p).Reason)
			case ReasonUnknownOperation:
				assert.Empty(t, r.Operation)
				assert.Equal(t, samlTemplate, r.Template)
				require.Len(t, got, 1, "%v", got)
				assert.Equal(t, KindUnknownOperation, got[0].Kind)
				assert.Contains(t, got[0].Message, samlTemplate)
				assert.Contains(t, got[0].Message, "not written as")
				lr := lax.Route(p)
				assert.Equal(t, ReasonNearMissPath, lr.Reason)
				assert.Equal(t, samlTemplate, lr.Template)
				assert.False(t, lr.Checked())
				assert.Empty(t, lax.Validate(ctx, p))
			default:
				assert.Empty(t, got)
				assert.Equal(t, tc.strict, lax.Route(p).Reason)
			}
		})
	}
}

func TestNormalizePath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/v1/b2b":          "/v1/b2b",
		"/%76%31/%62%32b":  "/v1/b2b",
		"/a%2fb/%2F":       "/a%2Fb/%2F",
		"/%7e%7E%2d%2e%5f": "/~~-._",
		"/%41%5a%61%7a%30": "/AZaz0",
		"/%e2%82%ac":       "/%E2%82%AC",
		"/%":               "/%",
		"/%4":              "/%4",
		"/%zz%41":          "/%zzA",
	} {
		assert.Equal(t, want, normalizePath(in), "normalizePath(%q)", in)
	}
}

// TestSkipPolicyInTheLibrary: the reasons a pair is not checked that used
// to live in the CLI come from Check, and each reason has its own words.
func TestSkipPolicyInTheLibrary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	strict := newValidator(t, WithStrict(true))
	lax := newValidator(t)

	// Neither body captured, nothing else wrong: not a check.
	p := samlPair(t)
	p.RequestBody, p.ResponseBody, p.RequestBodyMissing, p.ResponseBodyMissing = nil, nil, true, true
	res := strict.Check(ctx, p)
	assert.Equal(t, ReasonNoBodyCaptured, res.Route.Reason)
	assert.False(t, res.Checked())
	assert.Equal(t, "UpdateSAMLConnection", res.Route.Operation, "the route still names the operation")
	assert.Equal(t, ReasonOperation, strict.Route(p).Reason, "routing alone does not look at bodies")
	// ... unless what is left shows a violation.
	p.StatusCode = 299
	res = strict.Check(ctx, p)
	assert.Equal(t, ReasonOperation, res.Route.Reason)
	assert.True(t, res.Checked())
	assert.NotEmpty(t, res.Violations)

	// A method the spec does not declare at its path.
	p = samlPair(t)
	p.Method = http.MethodPatch
	res = lax.Check(ctx, p)
	assert.Equal(t, ReasonUndeclaredOperation, res.Route.Reason)
	assert.False(t, res.Checked())
	assert.Empty(t, res.Violations)
	res = strict.Check(ctx, p)
	assert.Equal(t, ReasonUnknownOperation, res.Route.Reason)
	assert.True(t, res.Checked())
	require.Len(t, res.Violations, 1)
	assert.Equal(t, "the spec declares no PATCH operation at "+samlTemplate, res.Violations[0].Message)

	all := []Reason{ReasonOperation, ReasonUnknownOperation, ReasonUndeclaredOperation, ReasonNearMissPath, ReasonNoBodyCaptured,
		ReasonPreflight, ReasonStaticAsset, ReasonOtherHost, ReasonOutsideAPI, ReasonBadURL}
	seen := map[string]Reason{}
	for _, r := range all {
		d := r.Describe()
		assert.NotEqual(t, string(r), d, "%s has its own words", r)
		assert.NotContains(t, seen, d, "%s and %s read the same", r, seen[d])
		seen[d] = r
		assert.Equal(t, r == ReasonOperation || r == ReasonUnknownOperation, r.Checked(), "%s", r)
	}
	assert.Equal(t, "something-new", Reason("something-new").Describe())
}

// TestEveryRespellingRoutesAlike: percent-encoding any one unreserved
// character of a clean pair's path, in lower- or upper-case hex, changes
// neither its route nor its verdict.
func TestEveryRespellingRoutesAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v := newValidator(t, WithStrict(true))
	p := samlPair(t)
	const host = "https://test.stytch.com"
	path := strings.TrimPrefix(p.URL, host)
	require.NotEqual(t, p.URL, path)
	require.Empty(t, v.Validate(ctx, p))
	n := 0
	for i := 0; i < len(path); i++ {
		if !isUnreserved(path[i]) {
			continue
		}
		for _, format := range []string{"%%%02x", "%%%02X"} {
			q := *p
			q.URL = host + path[:i] + fmt.Sprintf(format, path[i]) + path[i+1:]
			res := v.Check(ctx, &q)
			assert.Equal(t, ReasonOperation, res.Route.Reason, "%s", q.URL)
			assert.Equal(t, "UpdateSAMLConnection", res.Route.Operation, "%s", q.URL)
			assert.Empty(t, res.Violations, "%s", q.URL)
			n++
		}
	}
	assert.Greater(t, n, 100)
}

// TestRouteDoesNotDependOnHowAClientEscapes: a character a URI cannot hold
// as is (non-ASCII, a space, "|") is sent percent-encoded in UTF-8 (RFC
// 3987, 3.1), so a path that spells it raw routes as the one that spells
// its escape, with the same path reported and the same violations; a
// percent-encoded "/" beside it stays a character of its segment.
func TestRouteDoesNotDependOnHowAClientEscapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	strict := newValidator(t, WithStrict(true))
	const host = "https://test.stytch.com"
	conn := "/connections/" + testSAMLID
	for _, tc := range []struct {
		raw, escaped string
		want         Reason
	}{
		{"/v1/b2b/sso/saml/é" + conn, "/v1/b2b/sso/saml/%C3%A9" + conn, ReasonOperation},
		{"/v1/b2b/sso/saml/org%2Fé" + conn, "/v1/b2b/sso/saml/org%2F%C3%A9" + conn, ReasonOperation},
		{"/v1/b2b/sso/saml/a b%2Fc" + conn, "/v1/b2b/sso/saml/a%20b%2Fc" + conn, ReasonOperation},
		{"/v1/b2b/sso/saml/a|%2f" + conn, "/v1/b2b/sso/saml/a%7C%2f" + conn, ReasonOperation},
		{"/v1/b2b/sso%2Fsaml/é" + conn, "/v1/b2b/sso%2Fsaml/%C3%A9" + conn, ReasonUnknownOperation},
		{"/v1/b2b/sso%2Fsam1/é" + conn, "/v1/b2b/sso%2Fsam1/%C3%A9" + conn, ReasonOutsideAPI},
		{"/v1\\b2b\\sso/saml/o" + conn, "/v1%5Cb2b%5Csso/saml/o" + conn, ReasonUnknownOperation},
	} {
		raw, escaped := samlPair(t), samlPair(t)
		raw.URL, escaped.URL = host+tc.raw, host+tc.escaped
		rr, re := strict.Check(ctx, raw), strict.Check(ctx, escaped)
		assert.Equal(t, tc.want, re.Route.Reason, "%s", tc.escaped)
		assert.Equal(t, tc.escaped, re.Route.Path)
		assert.Equal(t, re, rr, "%s routes and validates as %s", tc.raw, tc.escaped)
	}
}

// TestScopeHostsComparedAsURLs: a scope's host is compared as URLs compare
// it: a scheme's default port is that port, the case of a name does not
// count, and an IPv6 address, bracketed, matches on any port when the
// entry names none.
func TestScopeHostsComparedAsURLs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		entry, url string
		in         bool
	}{
		{"test.stytch.com:443", "https://test.stytch.com/v1/other", true},
		{"test.stytch.com:443", "https://TEST.stytch.com:443/v1/other", true},
		{"test.stytch.com", "https://test.stytch.com:443/v1/other", true},
		{"test.stytch.com:80", "http://test.stytch.com/v1/other", true},
		{"test.stytch.com:443", "http://test.stytch.com/v1/other", false},
		{"test.stytch.com:8443", "https://test.stytch.com/v1/other", false},
		{"[::1]", "http://[::1]:8080/v1/other", true},
		{"[::1]", "http://[::1]/v1/other", true},
		{"[::1]:8080", "http://[::1]:8080/v1/other", true},
		{"[::1]:8080", "http://[::1]:9090/v1/other", false},
		{"[0:0::1]", "http://[::1]:8080/v1/other", true},
		{"[::1]/v1/", "http://[::1]:8080/v1/other", true},
		{"[::2]", "http://[::1]:8080/v1/other", false},
		{"test.stytch.com", "https://test.stytch.com./v1/other", true}, // a fully qualified name
		{"test.stytch.com.", "https://test.stytch.com/v1/other", true},
		{"test.stytch.com", "https://%74est.stytch.com/v1/other", true}, // RFC 3986, 6.2.2.2
		{"test.stytch.com", "https://%74est.stytch.com:%34%34%33/v1/other", false},
	} {
		v := newValidator(t, WithScope(tc.entry))
		r := v.Route(&Pair{Method: "GET", URL: tc.url})
		assert.Equal(t, tc.in, r.Reason == ReasonUndeclaredOperation, "scope %q, %s: %s", tc.entry, tc.url, r.Reason)
	}
	for _, bad := range []string{"test.stytch.com:0", "test.stytch.com:65536", "[::1]:99999/v1"} {
		_, err := New(WithScope(bad))
		assert.ErrorContains(t, err, "port", "WithScope(%q)", bad)
	}
	// A prefix no request path is written as is refused, not left to match
	// nothing.
	for _, bad := range []string{"/v1/./b2b/", "/v1/../b2b", "/v1/%2E%2E/b2b", "/v1/b2b/.", "test.stytch.com/v1/.."} {
		_, err := New(WithScope(bad))
		assert.ErrorContains(t, err, "dot segment", "WithScope(%q)", bad)
	}
}

// TestScopeNearMiss: a path that enters a scope's prefix only once its
// empty and dot segments are resolved is a near miss of the scope, as one
// of the spec's paths would be: reported in strict mode, skipped under its
// own reason otherwise. A path written inside the prefix stays inside.
func TestScopeNearMiss(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	strict := newValidator(t, WithStrict(true), WithScope("/v1/b2b/"))
	lax := newValidator(t, WithScope("/v1/b2b/"))
	for _, path := range []string{"/v1//b2b/organizations/o", "/v1/x/../b2b/organizations/o", "/v1/./b2b/organizations/o", "/v1/%2E/b2b/organizations/o", "/v1%2Fb2b/organizations/o"} {
		p := &Pair{Method: "GET", URL: "https://test.stytch.com" + path}
		res := strict.Check(ctx, p)
		assert.Equal(t, ReasonUnknownOperation, res.Route.Reason, "%s", path)
		assert.Empty(t, res.Route.Template, "%s", path)
		if assert.Len(t, res.Violations, 1, "%s", path) {
			assert.Equal(t, KindUnknownOperation, res.Violations[0].Kind)
			assert.Contains(t, res.Violations[0].Message, "empty or dot segment")
		}
		assert.Equal(t, ReasonNearMissPath, lax.Route(p).Reason, "%s", path)
	}
	for path, want := range map[string]Reason{
		"/v1/b2b/organizations/o":        ReasonUndeclaredOperation,
		"/v1/b2b/../../v2/organizations": ReasonUndeclaredOperation, // written inside the prefix
		"/v1//b2c/organizations/o":       ReasonOutsideAPI,
	} {
		assert.Equal(t, want, lax.Route(&Pair{Method: "GET", URL: "https://test.stytch.com" + path}).Reason, "%s", path)
	}
}
