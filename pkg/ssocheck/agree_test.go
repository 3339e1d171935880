package ssocheck

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// TestClientAndValidatorAgreeOnSuccessBodies sends each body to the client
// as a 200 and gives the exchange the client saw, byte for byte, to the
// validator (what `ssocontract validate` runs), with and without strict
// mode: the client accepts exactly the bodies the validator passes. A
// success without its connection (or with null) is an ErrDecode for the
// client and a violation for the validator in every mode (issue 19 §5).
func TestClientAndValidatorAgreeOnSuccessBodies(t *testing.T) {
	t.Parallel()
	const (
		saml     = `{"organization_id":"organization-test-1","connection_id":"saml-connection-test-1","status":"pending","idp_entity_id":"","display_name":"x","idp_sso_url":"","acs_url":"https://test.stytch.com/v1/b2b/sso/callback/saml-connection-test-1","audience_uri":"https://test.stytch.com/v1/b2b/sso/callback/saml-connection-test-1","signing_certificates":[],"verification_certificates":[],"encryption_private_keys":[],"saml_connection_implicit_role_assignments":[],"saml_group_implicit_role_assignments":[],"alternative_audience_uri":"","identity_provider":"generic","nameid_format":"","alternative_acs_url":"","idp_initiated_auth_disabled":false,"allow_gateway_callback":false}`
		external = `{"organization_id":"organization-test-1","connection_id":"external-connection-test-1","external_organization_id":"organization-test-2","external_connection_id":"saml-connection-test-2","display_name":"x","status":"active","external_connection_implicit_role_assignments":[],"external_group_implicit_role_assignments":[]}`
		head     = `{"request_id":"request-id-test-1","status_code":200`
	)
	ctx := context.Background()
	var validators []*contract.Validator
	for _, strict := range []bool{false, true} {
		v, err := contract.New(contract.WithStrict(strict))
		require.NoError(t, err)
		validators = append(validators, v)
	}
	for _, tt := range []struct {
		name, kind string
		body       string
		ok         bool
		where      string // the violation's location when not ok
	}{
		{"saml with connection", "saml", head + `,"connection":` + saml + `}`, true, ""},
		{"external with connection", "external", head + `,"connection":` + external + `}`, true, ""},
		{"saml without connection", "saml", head + `}`, false, "/connection"},
		{"external without connection", "external", head + `}`, false, "/connection"},
		{"saml with a null connection", "saml", head + `,"connection":null}`, false, "/connection"},
		{"external with a null connection", "external", head + `,"connection":null}`, false, "/connection"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			var seen *contract.Pair
			c, err := sso.New(testutil.ProjectID, "secret-test-00000000000000000000", sso.WithBaseURL(srv.URL), sso.WithoutRetries(),
				sso.WithExchangeCheck(func(_ context.Context, ex *sso.Exchange) error {
					seen = pairOf(ex)
					return nil
				}))
			require.NoError(t, err)
			if tt.kind == "saml" {
				_, err = c.UpdateSAMLConnection(ctx, "organization-test-1", "saml-connection-test-1", nil)
			} else {
				_, err = c.UpdateExternalConnection(ctx, "organization-test-1", "external-connection-test-1", nil)
			}
			require.NotNil(t, seen)
			require.Equal(t, tt.body, string(seen.ResponseBody))
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, sso.ErrDecode)
			}
			for i, v := range validators {
				vs := v.Validate(ctx, seen)
				if tt.ok {
					assert.Empty(t, vs, "strict=%v", i == 1)
					continue
				}
				require.NotEmpty(t, vs, "strict=%v: the client refuses this body, so must the validator", i == 1)
				assert.Equal(t, contract.SideResponse, vs[0].Side)
				assert.Equal(t, tt.where, vs[0].Location, "strict=%v: %v", i == 1, vs)
			}
		})
	}
}
