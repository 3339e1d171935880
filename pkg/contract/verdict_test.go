package contract

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
)

// TestSDKBodyEchoes: stytch-go v18 and the Python SDK repeat
// organization_id and connection_id in the JSON body of both updates.
func TestSDKBodyEchoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const slug = "acme corp/eu" // an organization slug, percent-encoded in the path
	for _, compiled := range []bool{true, false} {
		strict := newValidator(t, WithStrict(true), WithCompiledBodies(compiled))
		for name, mk := range map[string]func(*testing.T) *Pair{"saml": samlPair, "external": externalPair} {
			connID := testSAMLID
			if name == "external" {
				connID = testExternalID
			}
			sdk := func(org, conn any) *Pair {
				p := mk(t)
				p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) {
					m["organization_id"] = org
					m["connection_id"] = conn
				})
				return p
			}
			assert.Empty(t, strict.Validate(ctx, sdk(testOrgID, connID)), "%s: SDK-style body, IDs agree", name)

			p := sdk(slug, connID)
			p.URL = strings.Replace(p.URL, testOrgID, url.PathEscape(slug), 1)
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {}) // organization_id stays the ID
			assert.Empty(t, strict.Validate(ctx, p), "%s: agrees with the percent-decoded path", name)

			for what, body := range map[string]*Pair{
				"other organization": sdk("organization-test-other", connID),
				"other connection":   sdk(testOrgID, "connection-test-other-"+canary),
				"not a string":       sdk(testOrgID, 42),
				"null":               sdk(nil, connID),
			} {
				got := strict.Validate(ctx, body)
				require.Len(t, got, 1, "%s %s: %v", name, what, got)
				assert.Equal(t, KindUndocumentedField, got[0].Kind)
				assert.Contains(t, []string{"/organization_id", "/connection_id"}, got[0].Location)
				assert.Contains(t, got[0].Message, "disagrees with the path")
				assert.NotContains(t, got[0].String(), canary)
				assert.NotContains(t, got[0].String(), "organization-test-other")
			}
			assert.Empty(t, newValidator(t, WithCompiledBodies(compiled)).Validate(ctx, sdk("organization-test-other", connID)),
				"%s: a disagreeing copy is a strict-mode finding only", name)

			// Only path parameters at the top level are tolerated.
			nested := mk(t)
			nested.RequestBody = edit(t, nested.RequestBody, func(m map[string]any) { m["project_id"] = testOrgID })
			got := strict.Validate(ctx, nested)
			require.Len(t, got, 1, "%v", got)
			assert.Equal(t, "property is not declared in the spec", got[0].Message)
		}
	}
}

// verdict is a pair's violations reduced to what does not depend on the
// spec's names: side, kind and location.
func verdict(vs []Violation) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%s %s %s", v.Side, v.Kind, v.Location))
	}
	sort.Strings(out)
	return out
}

// TestStytchPublishedSpec loads Stytch's whole published document
// (testdata/stytch-openapi-full.yml, MIT, see LICENSE-stytch-openapi.txt
// beside it) and checks that pairs of both operations get the same verdict
// as with api/openapi.yaml, except where the two specs knowingly differ.
func TestStytchPublishedSpec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	doc, warnings, err := LoadSpec("testdata/stytch-openapi-full.yml")
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], `"api_magic_v1_Authenticate"`)
	assert.Contains(t, warnings[0], "POST /v1/b2b/magic_links/authenticate, POST /v1/magic_links/authenticate")
	_, err = api.Parse(mustRead(t, "testdata/stytch-openapi-full.yml"))
	require.Error(t, err, "kin-openapi's own validation still refuses the document")

	stytch := newValidator(t, WithDocument(doc))
	for _, path := range []string{"/v1/b2b/magic_links/authenticate", "/v1/magic_links/authenticate"} {
		r := stytch.Route(&Pair{Method: "POST", URL: path})
		require.Equal(t, ReasonOperation, r.Reason)
		assert.Equal(t, "POST "+path, r.Operation, "a colliding operationId is replaced by method and path")
	}
	r := stytch.Route(&Pair{Method: "PUT", URL: "/v1/b2b/sso/saml/o/connections/c"})
	assert.Equal(t, "api_sso_v1_sso_saml_UpdateConnection", r.Operation)

	// Where the two specs knowingly differ, by case name.
	type diff struct{ onlyOurs, onlyStytch []string }
	known := map[string]diff{
		// Stytch's timestamps have no format: date-time.
		"saml/schema format date-time": {onlyOurs: []string{"response schema /connection/signing_certificates/0/created_at"}},
		// Stytch declares no 404 (and no 403).
		"saml/404": {onlyStytch: []string{"response status status"}},
		// Stytch's 400 declares no body: an error body is undeclared there,
		// and an error body that breaks our error schema passes.
		"saml/400 without error_type": {
			onlyOurs:   []string{"response missing-required /error_type"},
			onlyStytch: []string{"response content-type body"},
		},
	}
	type tcase struct {
		name   string
		mk     func(*testing.T) *Pair
		mutate func(*testing.T, *Pair)
	}
	var cases []tcase
	for _, tc := range violationCases() {
		switch tc.name {
		case "status only by default", "unknown operation":
			continue // another document; another operation (Stytch's spec has the OIDC update)
		}
		cases = append(cases, tcase{"saml/" + tc.name, samlPair, tc.mutate})
	}
	cases = append(cases,
		tcase{"saml/clean", samlPair, func(*testing.T, *Pair) {}},
		tcase{"external/clean", externalPair, func(*testing.T, *Pair) {}},
		tcase{"external/not active", externalPair, func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["status"] = "pending" })
		}},
		tcase{"external/sdk body", externalPair, func(t *testing.T, p *Pair) {
			p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["organization_id"] = "organization-test-other" })
		}},
		tcase{"external/undocumented", externalPair, func(t *testing.T, p *Pair) {
			p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["status"] = "active" })
		}},
		tcase{"external/duplicate key", externalPair, func(t *testing.T, p *Pair) {
			p.ResponseBody = []byte(strings.Replace(string(p.ResponseBody), `"status":"active"`, `"status":"active","status":"x"`, 1))
		}},
		tcase{"saml/empty 200", samlPair, func(_ *testing.T, p *Pair) { p.ResponseBody = nil }},
		tcase{"saml/404", samlPair, func(_ *testing.T, p *Pair) {
			p.StatusCode = 404
			p.ResponseBody = []byte(`{"status_code":404,"request_id":"r","error_type":"saml_connection_not_found","error_message":"m","error_url":"u"}`)
		}},
		tcase{"saml/400 without error_type", samlPair, func(_ *testing.T, p *Pair) {
			p.StatusCode = 400
			p.ResponseBody = []byte(`{"status_code":400,"request_id":"r","error_message":"m","error_url":"u"}`)
		}},
	)
	seen := map[string]bool{}
	for _, strict := range []bool{false, true} {
		ours := newValidator(t, WithStrict(strict))
		theirs := newValidator(t, WithStrict(strict), WithDocument(doc))
		for _, tc := range cases {
			p := tc.mk(t)
			tc.mutate(t, p)
			a, b := verdict(ours.Validate(ctx, p)), verdict(theirs.Validate(ctx, p))
			d := known[tc.name]
			if strict || tc.name != "saml/400 without error_type" {
				a = append(without(a, d.onlyOurs), d.onlyStytch...)
				seen[tc.name] = seen[tc.name] || len(d.onlyOurs)+len(d.onlyStytch) > 0
			} else {
				// Without strict mode, an undeclared body is no finding.
				a = without(a, d.onlyOurs)
			}
			sort.Strings(a)
			assert.Equal(t, fmt.Sprint(a), fmt.Sprint(b), "strict=%v %s", strict, tc.name)
		}
	}
	for name := range known {
		assert.True(t, seen[name], "known difference %q was exercised", name)
	}
}

// without returns a minus the entries of drop, each of which must be in a.
func without(a, drop []string) []string {
	out := append([]string(nil), a...)
	for _, d := range drop {
		i := indexOf(out, d)
		if i < 0 {
			return append(out, "MISSING KNOWN DIFFERENCE: "+d)
		}
		out = append(out[:i], out[i+1:]...)
	}
	return out
}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

// TestInvariantsKeyedByMethodAndPath: the rules about one operation hold
// with Stytch's spec, whose operationIds differ from ours.
func TestInvariantsKeyedByMethodAndPath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.Equal(t, keySAML, operationKey("PUT", names.SAMLConnectionPath))
	assert.Equal(t, keyExternal, operationKey("put", names.ExternalConnectionPath))
	assert.Equal(t, "GET /a/{}/b/{}", operationKey("GET", "/a/{x}/b/{other_name}"))

	doc, _, err := LoadSpec("testdata/stytch-openapi-full.yml")
	require.NoError(t, err)
	for _, v := range []*Validator{newValidator(t, WithStrict(true)), newValidator(t, WithStrict(true), WithDocument(doc))} {
		saml := samlPair(t)
		saml.ResponseBody = edit(t, saml.ResponseBody, func(m map[string]any) { conn(m)["status"] = "inactive" })
		got := v.Validate(ctx, saml)
		require.Len(t, got, 1, "%v", got)
		assert.Equal(t, KindInvariant, got[0].Kind)
		assert.Equal(t, "/connection/status", got[0].Location)

		ext := externalPair(t)
		ext.ResponseBody = edit(t, ext.ResponseBody, func(m map[string]any) { conn(m)["status"] = "pending" })
		got = v.Validate(ctx, ext)
		require.Len(t, got, 1, "%v", got)
		assert.Equal(t, KindInvariant, got[0].Kind)
	}
}

func TestParseSpecErrors(t *testing.T) {
	t.Parallel()
	_, _, err := LoadSpec("testdata/no-such-spec.yml")
	assert.ErrorContains(t, err, "no-such-spec.yml")
	_, _, err = ParseSpec([]byte("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {}\n"))
	assert.ErrorContains(t, err, "invalid spec", "everything but duplicate operationIds is still refused")
	doc, warnings, err := ParseSpec(api.YAML())
	require.NoError(t, err)
	assert.Empty(t, warnings)
	assert.Equal(t, names.OperationUpdateSAMLConnection, doc.Paths.Value(names.SAMLConnectionPath).Put.OperationID)
}

func TestMessagesLocateTheProblem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, compiled := range []bool{true, false} {
		v := newValidator(t, WithCompiledBodies(compiled))
		one := func(p *Pair) Violation {
			t.Helper()
			got := v.Validate(ctx, p)
			require.Len(t, got, 1, "compiled=%v: %v", compiled, got)
			assert.Equal(t, "PUT", got[0].Method)
			assert.Equal(t, "/v1/b2b/sso/saml/"+testOrgID+"/connections/"+testSAMLID, got[0].Path)
			assert.True(t, strings.HasPrefix(got[0].String(), "PUT /v1/b2b/sso/saml/"+testOrgID+"/connections/"+testSAMLID+": "), got[0].String())
			return got[0]
		}
		p := samlPair(t)
		p.StatusCode = 418
		p.ResponseBody = []byte(`{"status_code":418,"request_id":"r","error_type":"teapot","error_message":"m","error_url":"u"}`)
		assert.Equal(t, "status 418 is not one the operation declares (declared: 200, 400, 401, 403, 404, 429, 500)", one(p).Message)

		p = samlPair(t)
		p.ResponseHeader.Set("Content-Type", "Text/HTML; charset=utf-8")
		assert.Equal(t, "response media type text/html is not one the operation declares (declared: application/json)", one(p).Message)

		p = samlPair(t)
		p.RequestHeader.Set("Content-Type", "text/plain")
		assert.Equal(t, "request media type text/plain is not one the operation declares (declared: application/json)", one(p).Message)

		p = samlPair(t)
		p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["idp_initiated_auth_disabled"] = canary })
		got := one(p)
		assert.Equal(t, "must be a boolean, found a string", got.Message)
		assert.NotContains(t, got.String(), canary)

		p = samlPair(t)
		p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { m["status_code"] = 200.5 })
		assert.Equal(t, "must be an integer, found a number", one(p).Message)
	}
}

// TestCraftedCaptureCannotForgeReportLines: control characters from a
// capture (method, path, JSON keys) are escaped in every violation and
// disposition.
func TestCraftedCaptureCannotForgeReportLines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const forged = "\n0 violation(s)\x1b[2J\x1b[32mOK\u202e"
	v := newValidator(t, WithStrict(true))
	check := func(s string) {
		t.Helper()
		assert.NotContains(t, s, "\n")
		assert.NotContains(t, s, "\x1b")
		assert.NotContains(t, s, "\u202e")
	}

	// A raw control character makes the URL unparsable: skipped, escaped.
	raw := samlPair(t)
	raw.URL = "https://test.stytch.com/v1/b2b/sso/saml/" + forged + "/connections/c"
	raw.Method = "PUT" + forged
	d := v.Route(raw)
	assert.Equal(t, ReasonBadURL, d.Reason)
	check(d.Method)
	assert.Empty(t, v.Validate(ctx, raw))

	// Percent-encoded, it reaches the operation; a crafted method makes it
	// an unknown operation; a crafted key an undocumented field.
	enc := samlPair(t)
	enc.URL = "https://test.stytch.com/v1/b2b/sso/saml/" + url.PathEscape(forged) + "/connections/" + testSAMLID
	enc.RequestBody = []byte(`{"display_name":"x","` + strings.ReplaceAll(strings.ReplaceAll(forged, "\n", `\n`), "\x1b", `\u001b`) + `":1}`)
	got := v.Validate(ctx, enc)
	require.NotEmpty(t, got)
	for _, g := range got {
		check(g.String())
		check(g.Path)
		check(g.Location)
	}
	enc.Method = "GET" + forged
	d = v.Route(enc)
	assert.Equal(t, ReasonUnknownOperation, d.Reason)
	check(d.Method)
	got = v.Validate(ctx, enc)
	require.Len(t, got, 1)
	assert.Equal(t, KindUnknownOperation, got[0].Kind)
	check(got[0].String())
	assert.Equal(t, `GET\n0 VIOLATION(S)\x1b[2J\x1b[32MOK\u202e`, got[0].Method, "upper-cased, then escaped")

	assert.Equal(t, "plain /path ok", Escape("plain /path ok"))
	assert.Equal(t, `a\tb\x00c\xffé`, Escape("a\tb\x00c\xffé"))
	assert.Equal(t, Escape(forged), Escape(Escape(forged)), "idempotent")
}

func TestEmptyJSONBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, strict := range []bool{false, true} {
		for _, compiled := range []bool{true, false} {
			v := newValidator(t, WithStrict(strict), WithCompiledBodies(compiled))
			for _, status := range []int{200, 400, 429} {
				p := samlPair(t)
				p.StatusCode, p.ResponseBody = status, []byte{}
				got := v.Validate(ctx, p)
				require.Len(t, got, 1, "strict=%v compiled=%v status %d: %v", strict, compiled, status, got)
				assert.Equal(t, KindMissingRequired, got[0].Kind)
				assert.Equal(t, "body", got[0].Location)
				assert.Contains(t, got[0].Message, "empty")

				// A body the capture says it did not record is not empty.
				p.ResponseBodyMissing = true
				assert.Empty(t, v.Validate(ctx, p), "status %d, body not captured", status)
				assert.True(t, v.Route(p).BodyNotCaptured)
			}
			// The request side: a required body that was not recorded is not missing.
			p := samlPair(t)
			p.RequestBody, p.RequestBodyMissing = nil, true
			assert.Empty(t, v.Validate(ctx, p))
			assert.True(t, v.Route(p).BodyNotCaptured)
			assert.False(t, v.Route(samlPair(t)).BodyNotCaptured)
			// A response that is not JSON, or declares no JSON, may be empty.
			p = samlPair(t)
			p.StatusCode, p.ResponseBody, p.ResponseHeader = 304, nil, http.Header{}
			assert.Empty(t, v.Validate(ctx, p))
		}
	}
}

func TestRequiredRequestBodyNotCaptured(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	doc := parseSpec(t, strings.Replace(string(specYAML()), "      requestBody:\n        required: false", "      requestBody:\n        required: true", 1))
	for _, compiled := range []bool{true, false} {
		v := newValidator(t, WithDocument(doc), WithCompiledBodies(compiled))
		p := samlPair(t)
		p.RequestBody = nil
		got := v.Validate(ctx, p)
		require.Len(t, got, 1, "compiled=%v: %v", compiled, got)
		assert.Equal(t, KindMissingRequired, got[0].Kind)
		p.RequestBodyMissing = true
		assert.Empty(t, v.Validate(ctx, p), "compiled=%v", compiled)
	}
}

func TestDuplicateKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	many := func() string {
		var b strings.Builder
		for i := range 40 {
			fmt.Fprintf(&b, `"k%d":%d,`, i, i)
		}
		return b.String()
	}()
	tests := []struct {
		name string
		side Side
		edit func(s string) string
		loc  string
	}{
		{"status echo read first, kept last", SideResponse, func(s string) string {
			return strings.Replace(s, `"status":"active"`, `"status":"active","status":"`+canary+`"`, 1)
		}, "/connection/status"},
		{"top-level request", SideRequest, func(s string) string {
			return strings.Replace(s, `{`, `{"display_name":"`+canary+`",`, 1)
		}, "/display_name"},
		{"inside a free-form map", SideRequest, func(s string) string {
			return strings.Replace(s, `"attribute_mapping":{`, `"attribute_mapping":{"a":"1","a":"2",`, 1)
		}, "/attribute_mapping/a"},
		{"escaped spelling of the same key", SideRequest, func(s string) string {
			return strings.Replace(s, `{`, `{"x~y":1,"x\u007ey":2,`, 1)
		}, "/x~0y"},
		{"inside an undeclared field", SideRequest, func(s string) string {
			return strings.Replace(s, `{`, `{"extra":{"deep":[{"a":1,"a":2}]},`, 1)
		}, "/extra/deep/0/a"},
		{"in a large object", SideRequest, func(s string) string {
			return strings.Replace(s, `{`, `{"extra":{`+many+`"k7":0},`, 1)
		}, "/extra/k7"},
	}
	for _, tc := range tests {
		for _, strict := range []bool{false, true} {
			for _, compiled := range []bool{true, false} {
				v := newValidator(t, WithStrict(strict), WithCompiledBodies(compiled))
				p := samlPair(t)
				if tc.side == SideRequest {
					p.RequestBody = []byte(tc.edit(string(p.RequestBody)))
				} else {
					p.ResponseBody = []byte(tc.edit(string(p.ResponseBody)))
				}
				var dups []Violation
				for _, g := range v.Validate(ctx, p) {
					assert.NotContains(t, g.String(), canary)
					if g.Kind == KindDuplicateKey {
						dups = append(dups, g)
					}
				}
				require.Len(t, dups, 1, "%s strict=%v compiled=%v", tc.name, strict, compiled)
				assert.Equal(t, tc.side, dups[0].Side)
				assert.Equal(t, tc.loc, dups[0].Location)
			}
		}
	}
	// Keys alike in length and end bytes are not the same key.
	for _, compiled := range []bool{true, false} {
		p := samlPair(t)
		p.RequestBody = []byte(strings.Replace(string(p.RequestBody), `"attribute_mapping":{`, `"attribute_mapping":{"axb":"1","ayb":"2","a\u0078c":"3","axc":"4",`, 1))
		got := newValidator(t, WithCompiledBodies(compiled)).Validate(ctx, p)
		require.Len(t, got, 1, "%v", got)
		assert.Equal(t, "/attribute_mapping/axc", got[0].Location, "only the escaped spelling's twin")
	}
	// The same key in sibling objects is no duplicate.
	p := samlPair(t)
	require.Contains(t, string(p.ResponseBody), `"verification_certificates":[{`)
	assert.Empty(t, newValidator(t, WithStrict(true)).Validate(ctx, benchPairT(t)))
}

// benchPairT is benchPair's response (certificates repeated in one array)
// for tests.
func benchPairT(t *testing.T) *Pair {
	p := samlPair(t)
	p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
		c := conn(m)
		certs := c["verification_certificates"].([]any)
		c["verification_certificates"] = append(certs, certs[0], certs[0], certs[0])
	})
	return p
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// TestBodyNotCapturedStillChecksMediaType: only the body checks are skipped.
func TestBodyNotCapturedStillChecksMediaType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, compiled := range []bool{true, false} {
		v := newValidator(t, WithCompiledBodies(compiled))
		p := samlPair(t)
		p.ResponseHeader.Set("Content-Type", "text/html")
		p.ResponseBody, p.ResponseBodyMissing = nil, true
		p.RequestHeader.Set("Content-Type", "text/plain")
		p.RequestBody, p.RequestBodyMissing = nil, true
		got := v.Validate(ctx, p)
		require.Len(t, got, 2, "compiled=%v: %v", compiled, got)
		for _, g := range got {
			assert.Equal(t, KindContentType, g.Kind)
		}
	}
}
