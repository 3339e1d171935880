package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/provider"
)

func Example() {
	p, err := provider.New(provider.Config{
		ProjectID: "project-test-00000000-0000-0000-0000-000000000000",
		Secret:    "secret-test-example",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(p)
	defer srv.Close()

	seed := p.Seeded()
	put := func(user, pass, body string) {
		req, _ := http.NewRequest(http.MethodPut,
			srv.URL+"/v1/b2b/sso/saml/"+seed.OrganizationSlug+"/connections/"+seed.SAMLConnectionID,
			strings.NewReader(body))
		req.SetBasicAuth(user, pass)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		var out struct {
			ErrorType  string `json:"error_type"`
			Connection struct {
				DisplayName string `json:"display_name"`
				Status      string `json:"status"`
			} `json:"connection"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		fmt.Println(strings.TrimSpace(fmt.Sprintln(resp.StatusCode, out.ErrorType, out.Connection.DisplayName, out.Connection.Status)))
	}
	put("project-test-00000000-0000-0000-0000-000000000000", "secret-test-example", `{"display_name":"Acme Okta"}`)
	put("project-test-00000000-0000-0000-0000-000000000000", "secret-test-wrong", `{}`)
	put("project-test-00000000-0000-0000-0000-000000000000", "secret-test-example", `{"identity_provider":"nope"}`)
	// Output:
	// 200  Acme Okta pending
	// 401 unauthorized_credentials
	// 400 bad_request
}

// A request can ask for any status the operation declares with Prism's
// Prefer header, so a team can try its retry and error handling: here a 429
// with Retry-After, and a status the spec does not declare.
func Example_prefer() {
	p, err := provider.New(provider.Config{
		ProjectID: "project-test-00000000-0000-0000-0000-000000000000",
		Secret:    "secret-test-example",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(p)
	defer srv.Close()

	seed := p.Seeded()
	for _, code := range []string{"429", "418"} {
		req, _ := http.NewRequest(http.MethodPut,
			srv.URL+"/v1/b2b/sso/external/"+seed.OrganizationID+"/connections/"+seed.ExternalConnectionID, nil)
		req.SetBasicAuth("project-test-00000000-0000-0000-0000-000000000000", "secret-test-example")
		req.Header.Set(provider.PreferHeader, "code="+code)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		var out struct {
			ErrorType    string `json:"error_type"`
			ErrorMessage string `json:"error_message"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		fmt.Printf("%d %s Retry-After=%q\n", resp.StatusCode, out.ErrorType, resp.Header.Get("Retry-After"))
		if resp.StatusCode == http.StatusBadRequest {
			fmt.Println(out.ErrorMessage)
		}
	}
	// Output:
	// 429 too_many_requests Retry-After="1"
	// 400 bad_request Retry-After=""
	// The Prefer header asks for code=418, which UpdateExternalConnection does not declare; declared: 200, 400, 401, 403, 404, 429, 500.
}
