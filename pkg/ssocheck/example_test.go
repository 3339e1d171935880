package ssocheck_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/sso"
	"github.com/stytchsso/stytchsso/pkg/ssocheck"
)

// A stand-in for Stytch whose answer has a field the spec does not declare
// and calls a connection active while its IdP settings are empty and its
// ACS URL does not name it: strict mode flags all of it. In monitor mode the
// call goes on and the violations are reported.
func ExampleWithValidation() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"request_id":"request-id-test-1","status_code":200,"connection":{"organization_id":"organization-test-1","connection_id":"saml-connection-test-1","status":"active","display_name":"Acme Okta","idp_initiated_auth_disabled":false,"identity_provider":"okta","idp_entity_id":"","idp_sso_url":"","acs_url":"","audience_uri":"","alternative_audience_uri":"","alternative_acs_url":"","nameid_format":"","allow_gateway_callback":false,"signing_certificates":[],"verification_certificates":[],"encryption_private_keys":[],"saml_connection_implicit_role_assignments":[],"saml_group_implicit_role_assignments":[]},"sent":"{}"}`)
	}))
	defer srv.Close()

	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		fmt.Println(err)
		return
	}
	checker, err := contract.NewChecker(v, contract.CheckConfig{
		Mode: contract.Monitor,
		OnViolation: func(_ context.Context, _ *contract.Pair, vs []contract.Violation) {
			for _, x := range vs {
				fmt.Println("violation:", x.Kind, x.Location)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", "secret-test-00000000000000000000",
		sso.WithBaseURL(srv.URL), ssocheck.WithValidation(checker))
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := client.UpdateSAMLConnection(context.Background(), "organization-test-1", "saml-connection-test-1", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(conn.DisplayName)
	// Output:
	// violation: invariant /connection/acs_url
	// violation: invariant /connection/audience_uri
	// violation: invariant /connection/idp_entity_id
	// violation: invariant /connection/idp_sso_url
	// violation: undocumented-field /sent
	// Acme Okta
}
