package sso_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/sso"
)

// fakeStytch stands in for Stytch on loopback: it answers every SAML update
// with a connection built from the request, and 404 for an unknown one.
func fakeStytch() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v1/b2b/sso/saml/organization-test-missing/connections/saml-connection-test-1" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"status_code":404,"request_id":"request-id-test-404","error_type":"organization_not_found","error_message":"The organization could not be found.","error_url":"https://stytch.com/docs/api/errors/404"}`)
			return
		}
		fmt.Fprintf(w, `{"request_id":"request-id-test-1","status_code":200,"connection":{"organization_id":"organization-test-1","connection_id":"saml-connection-test-1","status":"active","display_name":"Acme Okta","idp_initiated_auth_disabled":false,"identity_provider":"okta","idp_entity_id":"","idp_sso_url":"","acs_url":"","audience_uri":"","alternative_audience_uri":"","alternative_acs_url":"","nameid_format":"","allow_gateway_callback":false,"signing_certificates":[],"verification_certificates":[],"encryption_private_keys":[],"saml_connection_implicit_role_assignments":[],"saml_group_implicit_role_assignments":[]},"sent":%q}`, body)
	}))
}

func ExampleClient_UpdateSAMLConnection() {
	srv := fakeStytch() // Stytch itself in real use: leave out WithBaseURL
	defer srv.Close()

	client, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", "secret-test-00000000000000000000",
		sso.WithBaseURL(srv.URL), sso.WithUserAgent("example/1.0"))
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := client.UpdateSAMLConnection(context.Background(), "organization-test-1", "saml-connection-test-1",
		&sso.SAMLConnectionUpdate{
			DisplayName:      sso.Ptr("Acme Okta"),
			IdentityProvider: sso.Ptr(sso.IdentityProviderOkta),
		},
		sso.WithMemberSessionToken("session-token-test-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(conn.ConnectionID, conn.Status, conn.DisplayName)
	// Output: saml-connection-test-1 active Acme Okta
}

// Setting a flag back to false needs a pointer: nil would leave it as it
// is. An empty list clears the role assignments.
func ExamplePtr() {
	params := &sso.SAMLConnectionUpdate{
		IDPInitiatedAuthDisabled:         sso.Ptr(false),
		SAMLGroupImplicitRoleAssignments: sso.EmptyList[sso.SAMLGroupImplicitRoleAssignment](),
	}
	srv := fakeStytch()
	defer srv.Close()
	client, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", "secret-test-00000000000000000000", sso.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	var meta sso.ResponseMeta
	conn, err := client.UpdateSAMLConnection(context.Background(), "organization-test-1", "saml-connection-test-1", params, sso.WithResponseMeta(&meta))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("idp_initiated_auth_disabled:", conn.IDPInitiatedAuthDisabled, "request:", meta.RequestID)
	// Output: idp_initiated_auth_disabled: false request: request-id-test-1
}

func ExampleAPIError() {
	srv := fakeStytch()
	defer srv.Close()
	client, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", "secret-test-00000000000000000000", sso.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.UpdateSAMLConnection(context.Background(), "organization-test-missing", "saml-connection-test-1", nil)

	var apiErr *sso.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.ErrorType, apiErr.RequestID)
	}
	fmt.Println(errors.Is(err, sso.ErrNotFound), errors.Is(err, sso.ErrRateLimited))
	fmt.Println(err)
	// Output:
	// 404 organization_not_found request-id-test-404
	// true false
	// sso: UpdateSAMLConnection: 404 not found: organization_not_found: The organization could not be found. (request_id request-id-test-404)
}

func ExampleNew() {
	_, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", "secret-test-00000000000000000000",
		sso.WithBaseURL("http://stytch.internal.example"))
	fmt.Println(err)
	// Output: sso.New: WithBaseURL: base URL "http://stytch.internal.example": plain http is refused for non-loopback host "stytch.internal.example", credentials would travel unencrypted; use https
}

// The client names its version in every User-Agent header. The version
// comes from the program's build information: a program requiring
// github.com/stytchsso/stytchsso v0.2.0 sends "stytchsso-go/v0.2.0"; this
// repository's own tests carry no version ("devel").
func ExampleVersion() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("User-Agent:", r.UserAgent())
		http.Error(w, `{"status_code":404,"request_id":"r","error_type":"not_found","error_message":"no","error_url":""}`, http.StatusNotFound)
	}))
	defer srv.Close()
	client, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", "secret-test-00000000000000000000",
		sso.WithBaseURL(srv.URL), sso.WithUserAgent("admin-tool/1.2"))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = client.UpdateSAMLConnection(context.Background(), "organization-test-1", "saml-connection-test-1", nil)
	fmt.Println("version:", sso.Version())
	// Output:
	// User-Agent: stytchsso-go/devel admin-tool/1.2
	// version: devel
}

// A check installed with WithExchangeCheck reports what the server chose
// through Exchange.Redact: here a field name that spells the member
// session token of the call with spaces between its characters.
func ExampleExchange_Redact() {
	srv := fakeStytch()
	defer srv.Close()

	const token = "session-token-test-example-1"
	echoed := "/connection/" + strings.Join(strings.Split(token, ""), " ")
	client, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", "secret-test-00000000000000000000",
		sso.WithBaseURL(srv.URL),
		sso.WithExchangeCheck(func(_ context.Context, ex *sso.Exchange) error {
			fmt.Println(ex.Redact(echoed))
			return nil
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.UpdateSAMLConnection(context.Background(), "organization-test-1", "saml-connection-test-1",
		&sso.SAMLConnectionUpdate{DisplayName: sso.Ptr("Acme Okta")}, sso.WithMemberSessionToken(token))
	fmt.Println(err)
	// Output:
	// /connection/[REDACTED]
	// <nil>
}
