package contracttests

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/pkg/provider"
)

// Calling the generated client directly, as the README shows: it needs the
// Basic credentials added by a request editor, and it does not treat a
// non-2xx status as an error, so check the status (or JSON200) yourself.
// Here it talks to the local provider.
func Example_generatedClient() {
	p, err := provider.New(provider.Config{ProjectID: "project-test-00000000-0000-0000-0000-000000000000", Secret: "secret-test-example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	seed := p.Seeded()

	c, err := stytchsso.NewClientWithResponses(srv.URL,
		stytchsso.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.SetBasicAuth("project-test-00000000-0000-0000-0000-000000000000", "secret-test-example")
			return nil
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	off := false
	resp, err := c.UpdateSAMLConnectionWithResponse(context.Background(), seed.OrganizationID, seed.SAMLConnectionID, nil,
		stytchsso.UpdateSAMLConnectionRequest{IDPInitiatedAuthDisabled: &off})
	if err != nil {
		fmt.Println(err)
		return
	}
	if resp.JSON200 == nil {
		fmt.Println("status", resp.StatusCode())
		return
	}
	fmt.Println(resp.StatusCode(), resp.JSON200.Connection.IDPInitiatedAuthDisabled)
	// Output: 200 false
}
