package contract_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

func ExampleValidator_Validate() {
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		panic(err)
	}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("project-test-00000000-0000-0000-0000-000000000000:secret-test-example"))
	p := &contract.Pair{
		Method:         http.MethodPut,
		URL:            "https://test.stytch.com/v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1",
		RequestHeader:  http.Header{"Authorization": {auth}, "Content-Type": {"application/json"}},
		RequestBody:    []byte(`{"display_name":"Acme","identity_provider":"okta","new_field":true}`),
		StatusCode:     http.StatusNotFound,
		ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody:   []byte(`{"status_code":404,"request_id":"request-id-test-1","error_type":"saml_connection_not_found","error_message":"Not found.","error_url":"https://stytch.com/docs/api/errors/404"}`),
	}
	for _, violation := range v.Validate(context.Background(), p) {
		fmt.Println(violation)
	}
	// Output:
	// PUT /v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1: UpdateSAMLConnection request undocumented-field /new_field: property is not declared in the spec
}

func ExampleNewTransport() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		// status_code does not echo the HTTP status.
		fmt.Fprint(w, `{"status_code":500,"request_id":"r","error_type":"unauthorized_credentials","error_message":"m","error_url":"u"}`)
	}))
	defer srv.Close()

	v, err := contract.New()
	if err != nil {
		panic(err)
	}
	checker, err := contract.NewChecker(v, contract.CheckConfig{Mode: contract.Enforce})
	if err != nil {
		panic(err)
	}
	transport, err := contract.NewTransport(checker, nil) // nil: http.DefaultTransport
	if err != nil {
		panic(err)
	}
	client := &http.Client{Transport: transport}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v1/b2b/sso/external/organization-test-1/connections/external-connection-test-1", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("project-test-00000000-0000-0000-0000-000000000000", "secret-test-example")
	_, err = client.Do(req)
	var ce *contract.ViolationError
	if errors.As(err, &ce) {
		fmt.Println(ce.StatusCode, ce.Violations[0].Kind, ce.Violations[0].Location)
	}
	// Output:
	// 401 invariant /status_code
}

// Route a capture's pairs once each, without validating them: which are
// checked, against which operation, and why the others are skipped, in the
// words every report uses.
func ExampleValidator_Route() {
	v, err := contract.New()
	if err != nil {
		panic(err)
	}
	for _, p := range []*contract.Pair{
		{Method: "PUT", URL: "https://test.stytch.com/v1/b2b/sso/%73aml/organization-test-1/connections/saml-connection-test-1"},
		{Method: "PUT", URL: "https://test.stytch.com/v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1/"},
		{Method: "GET", URL: "https://test.stytch.com/v1/b2b/organizations/organization-test-1"},
		{Method: "GET", URL: "https://admin.example.com/app.js"},
	} {
		r := v.Route(p)
		if r.Checked() {
			fmt.Println(r.Method, r.Path, "->", r.Operation)
			continue
		}
		fmt.Println(r.Method, r.Path, "skipped:", r.Reason.Describe())
	}
	// Output:
	// PUT /v1/b2b/sso/%73aml/organization-test-1/connections/saml-connection-test-1 -> UpdateSAMLConnection
	// PUT /v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1/ skipped: near miss of an API path (servers differ on routing it)
	// GET /v1/b2b/organizations/organization-test-1 skipped: path outside the API
	// GET /app.js skipped: static asset
}

// Check routes and validates a pair in one pass: its Result carries the
// route (for counts and coverage) and the violations.
func ExampleValidator_Check() {
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		panic(err)
	}
	p := &contract.Pair{Method: "PATCH", URL: "https://test.stytch.com/v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1"}
	res := v.Check(context.Background(), p)
	fmt.Println(res.Route.Reason, res.Checked())
	for _, violation := range res.Violations {
		fmt.Println(violation)
	}
	// Output:
	// unknown-operation true
	// PATCH /v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1: PATCH /v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1 request unknown-operation path: the spec declares no PATCH operation at /v1/b2b/sso/saml/{organization_id}/connections/{connection_id}
}

// A pair's Redact keeps a secret the peer echoed as a name out of the
// violations: here the response names an undeclared field after the
// project secret, hex-encoded.
func ExamplePair_redact() {
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		panic(err)
	}
	const secret = "secret-test-example-0123456789"
	p := &contract.Pair{
		Method:         http.MethodPut,
		URL:            "https://test.stytch.com/v1/b2b/sso/saml/organization-test-1/connections/saml-connection-test-1",
		RequestHeader:  http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("project-test-1:"+secret))}},
		StatusCode:     http.StatusNotFound,
		ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody:   []byte(`{"status_code":404,"request_id":"r","error_type":"t","error_message":"m","error_url":"u","` + hex.EncodeToString([]byte(secret)) + `":1}`),
		// A client passes its own redaction (sso.Exchange.Redact); this one
		// knows only the hex form.
		Redact: func(s string) string { return strings.ReplaceAll(s, hex.EncodeToString([]byte(secret)), "[REDACTED]") },
	}
	for _, violation := range v.Validate(context.Background(), p) {
		fmt.Println(violation.Location)
	}
	// Output:
	// /[REDACTED]
}

// %#v of a *ViolationError shows the header and the body by size only.
func ExampleViolationError_GoString() {
	e := &contract.ViolationError{
		Violations: []contract.Violation{{Operation: "UpdateSAMLConnection", Side: contract.SideResponse, Kind: contract.KindStatus, Location: "status", Message: "status 418 is not declared"}},
		StatusCode: 418,
		Header:     http.Header{"X-Echo": {"anything the server sent"}},
		Body:       []byte(`{"echo":"anything"}`),
	}
	fmt.Printf("%#v\n", e)
	// Output:
	// &contract.ViolationError{Violations:[]contract.Violation{contract.Violation{Method:"", Path:"", Operation:"UpdateSAMLConnection", Side:"response", Kind:"status", Location:"status", Message:"status 418 is not declared"}}, StatusCode:418, Header:/* 1 names */, Body:/* 19 bytes */}
}
