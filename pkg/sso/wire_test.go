package sso

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
)

// callFn calls one operation with the given IDs and call options.
type callFn func(c *Client, org, conn string, opts ...CallOption) error

// operations lists each operation with a representative body and the JSON
// that body must become on the wire.
var operations = []struct {
	name     string
	segment  string
	connID   string
	call     callFn
	wantBody string
}{
	{
		name: "SAML", segment: "saml", connID: testSAMLID,
		call: func(c *Client, org, conn string, opts ...CallOption) error {
			_, err := c.UpdateSAMLConnection(context.Background(), org, conn, &SAMLConnectionUpdate{
				DisplayName:              Ptr("Acme Okta"),
				IDPInitiatedAuthDisabled: Ptr(false),
				IdentityProvider:         Ptr(stytchsso.IdentityProviderOkta),
				SAMLGroupImplicitRoleAssignments: &[]stytchsso.SAMLGroupImplicitRoleAssignment{
					{RoleID: "stytch_admin", Group: "admins"},
				},
			}, opts...)
			return err
		},
		wantBody: `{"display_name":"Acme Okta","identity_provider":"okta","idp_initiated_auth_disabled":false,"saml_group_implicit_role_assignments":[{"group":"admins","role_id":"stytch_admin"}]}`,
	},
	{
		name: "External", segment: "external", connID: testExtID,
		call: func(c *Client, org, conn string, opts ...CallOption) error {
			_, err := c.UpdateExternalConnection(context.Background(), org, conn, &ExternalConnectionUpdate{
				DisplayName: Ptr(""),
				ExternalConnectionImplicitRoleAssignments: EmptyList[stytchsso.ConnectionImplicitRoleAssignment](),
			}, opts...)
			return err
		},
		wantBody: `{"display_name":"","external_connection_implicit_role_assignments":[]}`,
	},
}

// TestWire checks the request on the wire for every combination of
// operation, member authorization, User-Agent suffix, path escaping and
// transport (httptest and httpmock), and validates each against the spec.
func TestWire(t *testing.T) {
	t.Parallel()
	members := []struct {
		name          string
		opts          []CallOption
		wantSession   string
		wantSessionJW string
	}{
		{name: "no member"},
		{name: "session token", opts: []CallOption{WithMemberSessionToken("session-token-test-abc")}, wantSession: "session-token-test-abc"},
		{name: "session JWT", opts: []CallOption{WithMemberSessionJWT("eyJhbGciOi.test.jwt")}, wantSessionJW: "eyJhbGciOi.test.jwt"},
	}
	agents := []struct {
		name string
		opts []Option
		want string
	}{
		{name: "default UA", want: "stytchsso-go/devel"},
		{name: "appended UA", opts: []Option{WithUserAgent("admin-tool/1.2"), WithUserAgent("(ci)")}, want: "stytchsso-go/devel admin-tool/1.2 (ci)"},
	}
	ids := []struct {
		name, org, conn, wantOrg, wantConn string
	}{
		{name: "plain IDs", org: testOrgID, conn: "", wantOrg: testOrgID},
		{name: "slug with slash and space", org: "acme/corp x", conn: "a b?c#d%", wantOrg: "acme%2Fcorp%20x", wantConn: "a%20b%3Fc%23d%25"},
		{name: "dots inside IDs", org: "acme..corp", conn: ".hidden.", wantOrg: "acme..corp", wantConn: ".hidden."},
	}
	transports := []string{"httptest", "httpmock"}

	for _, op := range operations {
		for _, m := range members {
			for _, ua := range agents {
				for _, id := range ids {
					for _, tr := range transports {
						name := strings.Join([]string{op.name, m.name, ua.name, id.name, tr}, "/")
						t.Run(name, func(t *testing.T) {
							t.Parallel()
							conn, wantConn := id.conn, id.wantConn
							if conn == "" {
								conn, wantConn = op.connID, op.connID
							}
							var seen seenRequest
							var c *Client
							switch tr {
							case "httptest":
								var rec *recorder
								c, rec = setup(t, nil, ua.opts...)
								require.NoError(t, op.call(c, id.org, conn, m.opts...))
								got := rec.requests()
								require.Len(t, got, 1)
								seen = got[0]
							case "httpmock":
								mock := httpmock.NewMockTransport()
								mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
									body, err := io.ReadAll(r.Body)
									if err != nil {
										return nil, err
									}
									seen = seenRequest{req: r, body: body}
									ok := samlOK
									if op.segment == "external" {
										ok = externalOK
									}
									resp := httpmock.NewStringResponse(http.StatusOK, ok)
									resp.Header.Set("Content-Type", "application/json")
									return resp, nil
								})
								var err error
								c, err = New(testProjectID, testSecret, append([]Option{WithHTTPClient(&http.Client{Transport: mock})}, ua.opts...)...)
								require.NoError(t, err)
								require.NoError(t, op.call(c, id.org, conn, m.opts...))
								require.Equal(t, 1, mock.GetTotalCallCount())
								assert.Equal(t, "test.stytch.com", seen.req.Host)
							}
							r := seen.req
							assert.Equal(t, http.MethodPut, r.Method)
							assert.Equal(t, "/v1/b2b/sso/"+op.segment+"/"+id.wantOrg+"/connections/"+wantConn, r.URL.EscapedPath())
							assert.Empty(t, r.URL.RawQuery, "query")
							user, pass, ok := r.BasicAuth()
							assert.True(t, ok, "Basic auth")
							assert.Equal(t, testProjectID, user)
							assert.Equal(t, testSecret, pass)
							assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(testProjectID+":"+testSecret)), r.Header.Get("Authorization"))
							assert.Equal(t, ua.want, r.Header.Get("User-Agent"))
							assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
							assert.Equal(t, m.wantSession, r.Header.Get("X-Stytch-Member-Session"))
							assert.Equal(t, m.wantSessionJW, r.Header.Get("X-Stytch-Member-SessionJWT"))
							assert.Equal(t, []string(nil), r.Header.Values(map[bool]string{true: "X-Stytch-Member-Session", false: "X-Stytch-Member-SessionJWT"}[m.wantSession == ""]), "only one member header")
							assert.JSONEq(t, op.wantBody, string(seen.body))
							assert.NoError(t, validateAgainstSpec(t, r, seen.body))
						})
					}
				}
			}
		}
	}
}

// TestParamsOnTheWire proves each "leave unchanged / set false or empty /
// clear the list" intention reaches the wire exactly, byte for byte.
func TestParamsOnTheWire(t *testing.T) {
	t.Parallel()
	nilRoles := []stytchsso.SAMLConnectionImplicitRoleAssignment(nil)
	tests := []struct {
		name   string
		params *SAMLConnectionUpdate
		want   string
	}{
		{name: "nil params change nothing", params: nil, want: `{}`},
		{name: "empty params change nothing", params: &SAMLConnectionUpdate{}, want: `{}`},
		{name: "flag set back to false", params: &SAMLConnectionUpdate{IDPInitiatedAuthDisabled: Ptr(false)}, want: `{"idp_initiated_auth_disabled":false}`},
		{name: "flag set to true", params: &SAMLConnectionUpdate{AllowGatewayCallback: Ptr(true)}, want: `{"allow_gateway_callback":true}`},
		{name: "string emptied", params: &SAMLConnectionUpdate{AlternativeAudienceURI: Ptr("")}, want: `{"alternative_audience_uri":""}`},
		{name: "list cleared", params: &SAMLConnectionUpdate{SAMLGroupImplicitRoleAssignments: EmptyList[stytchsso.SAMLGroupImplicitRoleAssignment]()}, want: `{"saml_group_implicit_role_assignments":[]}`},
		{name: "pointer to nil list clears, never null", params: &SAMLConnectionUpdate{SAMLConnectionImplicitRoleAssignments: &nilRoles}, want: `{"saml_connection_implicit_role_assignments":[]}`},
		{name: "pointer to nil map sends an empty object, never null", params: &SAMLConnectionUpdate{AttributeMapping: Ptr(stytchsso.AttributeMapping(nil))}, want: `{"attribute_mapping":{}}`},
		{name: "list set", params: &SAMLConnectionUpdate{SAMLConnectionImplicitRoleAssignments: &[]stytchsso.SAMLConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}}}, want: `{"saml_connection_implicit_role_assignments":[{"role_id":"stytch_member"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := setup(t, nil)
			_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, tt.params)
			require.NoError(t, err)
			got := rec.requests()
			require.Len(t, got, 1)
			assert.Equal(t, tt.want, string(got[0].body))
			assert.NoError(t, validateAgainstSpec(t, got[0].req, got[0].body))
		})
	}
	t.Run("caller's params are not modified", func(t *testing.T) {
		t.Parallel()
		c, _ := setup(t, nil)
		p := &SAMLConnectionUpdate{SAMLConnectionImplicitRoleAssignments: &nilRoles}
		_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, p)
		require.NoError(t, err)
		assert.Same(t, &nilRoles, p.SAMLConnectionImplicitRoleAssignments)
		assert.Nil(t, nilRoles)
	})
	t.Run("external nil list clears", func(t *testing.T) {
		t.Parallel()
		c, rec := setup(t, nil)
		groups := []stytchsso.GroupImplicitRoleAssignment(nil)
		_, err := c.UpdateExternalConnection(context.Background(), testOrgID, testExtID, &ExternalConnectionUpdate{ExternalGroupImplicitRoleAssignments: &groups})
		require.NoError(t, err)
		got := rec.requests()
		require.Len(t, got, 1)
		assert.Equal(t, `{"external_group_implicit_role_assignments":[]}`, string(got[0].body))
	})
}

// TestSpecValidatorCanFail shows the spec check used above rejects bad
// requests, so its passing means something.
func TestSpecValidatorCanFail(t *testing.T) {
	t.Parallel()
	good := func() *http.Request {
		r, err := http.NewRequest(http.MethodPut, "http://127.0.0.1/v1/b2b/sso/saml/org/connections/conn", nil)
		require.NoError(t, err)
		r.Header.Set("Content-Type", "application/json")
		r.SetBasicAuth(testProjectID, testSecret)
		return r
	}
	require.NoError(t, validateAgainstSpec(t, good(), []byte(`{"display_name":"x"}`)))
	noAuth := good()
	noAuth.Header.Del("Authorization")
	assert.Error(t, validateAgainstSpec(t, noAuth, []byte(`{}`)), "missing Basic auth")
	assert.Error(t, validateAgainstSpec(t, good(), []byte(`{"idp_initiated_auth_disabled":"no"}`)), "wrong type")
	assert.Error(t, validateAgainstSpec(t, good(), []byte(`{"saml_group_implicit_role_assignments":null}`)), "null list")
	assert.Error(t, validateAgainstSpec(t, good(), []byte(`{"identity_provider":"myspace"}`)), "unknown enum")
}
