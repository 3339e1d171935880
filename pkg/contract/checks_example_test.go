package contract_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// A live exchange, validated in strict mode: the member session header is
// one letter off, so Stytch would ignore it and run the update with the
// project's rights. The violation names the header, never its value.
func ExampleLivePair() {
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		panic(err)
	}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("project-test-00000000-0000-0000-0000-000000000000:secret-test-example"))
	p := contract.LivePair(http.MethodPut,
		"https://test.stytch.com/v1/b2b/sso/external/organization-test-1/connections/external-connection-test-1",
		http.Header{"Authorization": {auth}, "Content-Type": {"application/json"}, "X-Stytch-Member-Sesion": {"session-token-test-1"}},
		[]byte(`{"display_name":"Acme"}`),
		http.StatusNotFound, http.Header{"Content-Type": {"application/json"}},
		[]byte(`{"status_code":404,"request_id":"request-id-test-1","error_type":"external_connection_not_found","error_message":"Not found.","error_url":"https://stytch.com/docs/api/errors/404"}`))
	fmt.Println(p.Where())
	for _, violation := range v.Validate(context.Background(), p) {
		fmt.Println(violation)
	}
	// Output:
	// live
	// PUT /v1/b2b/sso/external/organization-test-1/connections/external-connection-test-1: UpdateExternalConnection request undocumented-field header:X-Stytch-Member-Sesion: request header X-Stytch-Member-Sesion is not declared by the operation; it resembles the declared X-Stytch-Member-Session; Stytch ignores a header it does not know
}
