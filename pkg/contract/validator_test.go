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

func TestCleanPairsPass(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		for _, compiled := range []bool{true, false} {
			v := newValidator(t, WithStrict(strict), WithCompiledBodies(compiled))
			for name, p := range map[string]*Pair{"saml": samlPair(t), "external": externalPair(t)} {
				t.Run(fmt.Sprintf("%s/strict=%v/compiled=%v", name, strict, compiled), func(t *testing.T) {
					got := v.Validate(context.Background(), p)
					assert.Empty(t, got, "Validate(clean %s pair) = %v; want none", name, got)
				})
			}
		}
	}
}

type violationCase struct {
	name   string
	strict bool
	mutate func(t *testing.T, p *Pair)
	want   Violation // Operation is not compared
	opts   []Option  // added to the validator's options
}

func violationCases() []violationCase {
	return []violationCase{
		{name: "schema type", mutate: func(t *testing.T, p *Pair) {
			p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["idp_initiated_auth_disabled"] = "yes" })
		}, want: Violation{Side: SideRequest, Kind: KindSchema, Location: "/idp_initiated_auth_disabled"}},
		{name: "schema enum", mutate: func(t *testing.T, p *Pair) {
			p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["identity_provider"] = "not-an-idp" })
		}, want: Violation{Side: SideRequest, Kind: KindSchema, Location: "/identity_provider"}},
		{name: "schema format date-time", mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
				conn(m)["signing_certificates"].([]any)[0].(map[string]any)["created_at"] = "yesterday"
			})
		}, want: Violation{Side: SideResponse, Kind: KindSchema, Location: "/connection/signing_certificates/0/created_at"}},
		{name: "schema format int32", mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { m["status_code"] = 1 << 40 })
		}, want: Violation{Side: SideResponse, Kind: KindSchema, Location: "/status_code"}},
		{name: "schema null", mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["display_name"] = nil })
		}, want: Violation{Side: SideResponse, Kind: KindSchema, Location: "/connection/display_name"}},
		{name: "missing required", mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { delete(conn(m), "acs_url") })
		}, want: Violation{Side: SideResponse, Kind: KindMissingRequired, Location: "/connection/acs_url"}},
		{name: "missing required nested in array", mutate: func(t *testing.T, p *Pair) {
			p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) {
				m["saml_group_implicit_role_assignments"] = []any{map[string]any{"role_id": "stytch_admin"}}
			})
		}, want: Violation{Side: SideRequest, Kind: KindMissingRequired, Location: "/saml_group_implicit_role_assignments/0/group"}},
		{name: "status not listed", mutate: func(t *testing.T, p *Pair) {
			p.StatusCode = 418
			p.ResponseBody = []byte(`{"status_code":418,"request_id":"r","error_type":"teapot","error_message":"m","error_url":"u"}`)
		}, want: Violation{Side: SideResponse, Kind: KindStatus, Location: "status"}},
		{name: "response content type", mutate: func(t *testing.T, p *Pair) {
			p.ResponseHeader = http.Header{"Content-Type": {"text/html"}}
		}, want: Violation{Side: SideResponse, Kind: KindContentType, Location: "header:Content-Type"}},
		{name: "request content type", mutate: func(t *testing.T, p *Pair) {
			p.RequestHeader.Set("Content-Type", "text/plain")
		}, want: Violation{Side: SideRequest, Kind: KindContentType, Location: "header:Content-Type"}},
		{name: "security missing", mutate: func(t *testing.T, p *Pair) {
			p.RequestHeader.Del("Authorization")
		}, want: Violation{Side: SideRequest, Kind: KindSecurity, Location: "header:Authorization"}},
		{name: "security not basic", mutate: func(t *testing.T, p *Pair) {
			p.RequestHeader.Set("Authorization", "Bearer secret-test-canary")
		}, want: Violation{Side: SideRequest, Kind: KindSecurity, Location: "header:Authorization"}},
		{name: "security malformed basic", mutate: func(t *testing.T, p *Pair) {
			p.RequestHeader.Set("Authorization", "Basic !!not-base64!!")
		}, want: Violation{Side: SideRequest, Kind: KindSecurity, Location: "header:Authorization"}},
		{name: "unreadable request body", mutate: func(t *testing.T, p *Pair) {
			p.RequestBody = []byte(`{"display_name": "x"`)
		}, want: Violation{Side: SideRequest, Kind: KindUnreadableBody, Location: "body"}},
		{name: "unreadable response body", mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = []byte(`<html>502</html>`)
		}, want: Violation{Side: SideResponse, Kind: KindUnreadableBody, Location: "body"}},
		{name: "status_code echo", mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { m["status_code"] = 201 })
		}, want: Violation{Side: SideResponse, Kind: KindInvariant, Location: "/status_code"}},
		{name: "connection_id echo", mutate: func(t *testing.T, p *Pair) {
			p.URL = strings.Replace(p.URL, testSAMLID, "saml-connection-test-other", 1)
		}, want: Violation{Side: SideResponse, Kind: KindInvariant, Location: "/connection/connection_id"}},
		{name: "organization_id echo", mutate: func(t *testing.T, p *Pair) {
			p.URL = strings.Replace(p.URL, testOrgID, "organization-test-other", 1)
		}, want: Violation{Side: SideResponse, Kind: KindInvariant, Location: "/connection/organization_id"}},
		// strict mode
		{name: "undocumented request field", strict: true, mutate: func(t *testing.T, p *Pair) {
			// A copy of the path's connection_id is tolerated (official SDKs
			// send one, see TestSDKBodyEchoes); one that disagrees is not.
			p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["connection_id"] = "saml-connection-test-other" })
		}, want: Violation{Side: SideRequest, Kind: KindUndocumentedField, Location: "/connection_id"}},
		{name: "undocumented nested response field", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
				conn(m)["verification_certificates"].([]any)[0].(map[string]any)["fingerprint"] = "x"
			})
		}, want: Violation{Side: SideResponse, Kind: KindUndocumentedField, Location: "/connection/verification_certificates/0/fingerprint"}},
		{name: "status only by default", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.StatusCode = 418 // the test document below adds a default response
			p.ResponseBody = []byte(`{"status_code":418,"request_id":"r","error_type":"teapot","error_message":"m","error_url":"u"}`)
		}, want: Violation{Side: SideResponse, Kind: KindStatus, Location: "status"}},
		{name: "unknown operation", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.URL = "https://test.stytch.com/v1/b2b/sso/oidc/" + testOrgID + "/connections/x"
		}, want: Violation{Side: SideRequest, Kind: KindUnknownOperation, Location: "path"},
			// A path outside the spec's templates is in scope only when asked
			// for (TestScope covers the default).
			opts: []Option{WithScope("/v1/b2b/sso/")}},
		{name: "wrong method", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.Method = http.MethodPost
		}, want: Violation{Side: SideRequest, Kind: KindUnknownOperation, Location: "path"}},
		{name: "SAML status value", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["status"] = "inactive" })
		}, want: Violation{Side: SideResponse, Kind: KindInvariant, Location: "/connection/status"}},
		{name: "active needs IdP settings", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["idp_sso_url"] = "" })
		}, want: Violation{Side: SideResponse, Kind: KindInvariant, Location: "/connection/idp_sso_url"}},
		{name: "acs_url suffix", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["acs_url"] = "https://test.stytch.com/v1/b2b/sso/callback/other" })
		}, want: Violation{Side: SideResponse, Kind: KindInvariant, Location: "/connection/acs_url"}},
		{name: "certificate dates", strict: true, mutate: func(t *testing.T, p *Pair) {
			p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
				conn(m)["verification_certificates"].([]any)[0].(map[string]any)["expires_at"] = "2020-01-01T00:00:00Z"
			})
		}, want: Violation{Side: SideResponse, Kind: KindInvariant, Location: "/connection/verification_certificates/0/expires_at"}},
	}
}

// TestExternalConnectionIsAlwaysActive covers the External invariant, which
// needs an External pair.
func TestExternalConnectionIsAlwaysActive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	strict := newValidator(t, WithStrict(true))
	p := externalPair(t)
	require.Empty(t, strict.Validate(ctx, p), "the clean External pair conforms")
	p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["status"] = "pending" })
	got := strict.Validate(ctx, p)
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, KindInvariant, got[0].Kind)
	assert.Equal(t, "/connection/status", got[0].Location)
	assert.Empty(t, newValidator(t).Validate(ctx, p), "a strict-only rule: tolerated without strict")
}

// withDefaultResponse returns a copy of the embedded spec whose SAML
// operation also has a default response.
func withDefaultResponse(t *testing.T) Option {
	t.Helper()
	doc := parseWithDefault(t)
	return WithDocument(doc)
}

func TestEveryViolationKind(t *testing.T) {
	t.Parallel()
	for _, tc := range violationCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, compiled := range []bool{true, false} {
				opts := append([]Option{WithStrict(tc.strict), WithCompiledBodies(compiled)}, tc.opts...)
				if tc.name == "status only by default" {
					opts = append(opts, withDefaultResponse(t))
				}
				v := newValidator(t, opts...)
				p := samlPair(t)
				tc.mutate(t, p)
				got := v.Validate(context.Background(), p)
				found := false
				for _, g := range got {
					if g.Side == tc.want.Side && g.Kind == tc.want.Kind && g.Location == tc.want.Location {
						found = true
						assert.NotEmpty(t, g.Message)
						assert.NotEmpty(t, g.Operation)
					}
				}
				assert.True(t, found, "compiled=%v: Validate = %v; want a %s %s at %s", compiled, got, tc.want.Side, tc.want.Kind, tc.want.Location)
			}
		})
	}
}

func TestStrictOnlyFindingsToleratedWithoutStrict(t *testing.T) {
	t.Parallel()
	for _, tc := range violationCases() {
		if !tc.strict || tc.name == "status only by default" {
			continue
		}
		v := newValidator(t, tc.opts...)
		t.Run(tc.name, func(t *testing.T) {
			p := samlPair(t)
			tc.mutate(t, p)
			got := v.Validate(context.Background(), p)
			assert.Empty(t, got, "non-strict Validate = %v; want none", got)
		})
	}
}

func TestFreeFormMapsAreNotUndocumented(t *testing.T) {
	t.Parallel()
	v := newValidator(t, WithStrict(true))
	p := samlPair(t)
	p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) {
		m["attribute_mapping"].(map[string]any)["department"] = "dept"
	})
	p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
		conn(m)["attribute_mapping"].(map[string]any)["department"] = "dept"
	})
	assert.Empty(t, v.Validate(context.Background(), p))

	e := samlPair(t)
	e.StatusCode = 400
	e.ResponseBody = []byte(`{"status_code":400,"request_id":"r","error_type":"t","error_message":"m","error_url":"u","error_details":{"anything":{"x":1}}}`)
	assert.Empty(t, v.Validate(context.Background(), e))
}

func TestReportsEveryViolationAtOnce(t *testing.T) {
	t.Parallel()
	for _, compiled := range []bool{true, false} {
		v := newValidator(t, WithCompiledBodies(compiled))
		p := samlPair(t)
		p.RequestHeader.Del("Authorization")
		p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) {
			m["display_name"] = 5
			m["identity_provider"] = "nope"
		})
		p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
			delete(conn(m), "acs_url")
			delete(conn(m), "audience_uri")
		})
		got := v.Validate(context.Background(), p)
		assert.Len(t, got, 5, "compiled=%v: %v", compiled, got)
	}
}

func TestViolationsNeverQuoteValues(t *testing.T) {
	t.Parallel()
	for _, compiled := range []bool{true, false} {
		v := newValidator(t, WithStrict(true), WithCompiledBodies(compiled))
		p := samlPair(t)
		p.RequestHeader.Set("Authorization", "Bearer "+canary)
		p.RequestHeader.Set("X-Stytch-Member-Session", canary)
		p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) {
			m["signing_private_key"] = []any{canaryKey}
			m["saml_encryption_private_key"] = 42
			m["identity_provider"] = canaryKey
			m["idp_entity_id"] = map[string]any{"k": canaryKey}
			m["undocumented_key"] = canaryKey
		})
		p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
			conn(m)["encryption_private_keys"] = []any{map[string]any{"private_key": 7, "created_at": canaryKey}}
		})
		got := v.Validate(context.Background(), p)
		require.NotEmpty(t, got)
		for _, g := range got {
			s := g.String() + g.Location
			assert.NotContains(t, s, "CANARY")
			assert.NotContains(t, s, "PRIVATE KEY")
		}
	}
}

// TestCompiledMatchesKinOpenAPI checks that the compiled body walker finds
// exactly what kin-openapi's own body validation finds.
func TestCompiledMatchesKinOpenAPI(t *testing.T) {
	t.Parallel()
	for _, tc := range violationCases() {
		if tc.name == "status only by default" {
			continue
		}
		fast := newValidator(t, append([]Option{WithStrict(true)}, tc.opts...)...)
		ref := newValidator(t, append([]Option{WithStrict(true), WithCompiledBodies(false)}, tc.opts...)...)
		t.Run(tc.name, func(t *testing.T) {
			p := samlPair(t)
			tc.mutate(t, p)
			assert.Equal(t, ref.Validate(context.Background(), p), fast.Validate(context.Background(), p))
		})
	}
}

func TestValidateDoesNotMutatePair(t *testing.T) {
	t.Parallel()
	v := newValidator(t, WithStrict(true), WithCompiledBodies(false))
	p := samlPair(t)
	p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { delete(m, "display_name") })
	before := *p
	beforeHeader := p.RequestHeader.Clone()
	beforeBody := append([]byte(nil), p.RequestBody...)
	v.Validate(context.Background(), p)
	assert.Equal(t, beforeHeader, p.RequestHeader)
	assert.Equal(t, beforeBody, p.RequestBody)
	assert.Equal(t, before.URL, p.URL)
}

func TestRouteFindsOperation(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	tests := []struct {
		method, url, wantID string
		ok                  bool
	}{
		{"PUT", "https://api.stytch.com/v1/b2b/sso/saml/org/connections/c", "UpdateSAMLConnection", true},
		{"put", "http://127.0.0.1:1/v1/b2b/sso/external/org/connections/c?x=1", "UpdateExternalConnection", true},
		{"PUT", "/v1/b2b/sso/saml/o%2Fslug/connections/c", "UpdateSAMLConnection", true},
		{"GET", "/v1/b2b/sso/saml/org/connections/c", "", false},
		{"PUT", "/v1/b2b/sso/saml/org/connections/c/url", "", false},
		{"PUT", "/v1/b2b/sso/saml//connections/c", "", false},
		{"PUT", "://bad", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.url, func(t *testing.T) {
			r := v.Route(&Pair{Method: tc.method, URL: tc.url})
			assert.Equal(t, tc.ok, r.Reason == ReasonOperation, "%s", r.Reason)
			assert.Equal(t, tc.wantID, r.Operation)
			if tc.ok {
				assert.Contains(t, r.Template, "{connection_id}")
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	_, err := New(WithDocument(nil))
	assert.ErrorContains(t, err, "nil document")
	_, err = New(nil)
	assert.ErrorContains(t, err, "nil option")
	_, err = New(WithStringFormat("", nil))
	assert.Error(t, err)
	doc := parseSpec(t, strings.Replace(string(specYAML()), "format: int32", "format: weird-format", 1))
	_, err = New(WithDocument(doc))
	assert.ErrorContains(t, err, `"weird-format"`)
	_, err = New(WithDocument(doc), WithStringFormat("weird-format", func(string) error { return nil }))
	assert.NoError(t, err)
}
