package capture_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
)

// Load recorded pairs (a HAR file here; cassettes and directories work the
// same through LoadPath) and validate each one strictly.
func ExampleLoadHAR() {
	har := `{"log":{"version":"1.2","entries":[{
	  "request":{"method":"PUT","url":"https://test.stytch.com/v1/b2b/sso/external/org-1/connections/ext-1",
	    "headers":[{"name":"Authorization","value":"Basic cHJvamVjdC10ZXN0OnNlY3JldC10ZXN0"}],
	    "postData":{"mimeType":"application/json","text":"{\"display_name\":42}"}},
	  "response":{"status":404,"headers":[],"content":{"mimeType":"application/json",
	    "text":"{\"status_code\":404,\"request_id\":\"request-id-test-1\",\"error_type\":\"organization_not_found\",\"error_message\":\"Not found.\",\"error_url\":\"https://stytch.com/docs/api/errors/404\"}"}}}]}}`
	pairs, err := capture.LoadHAR(strings.NewReader(har), "capture.har")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range pairs {
		for _, vi := range v.Validate(context.Background(), &pairs[i]) {
			fmt.Println(pairs[i].Where(), vi)
		}
	}
	// Output:
	// capture.har#0 PUT /v1/b2b/sso/external/org-1/connections/ext-1: UpdateExternalConnection request schema /display_name: must be a string, found a number
}

// Coverage over recorded pairs: which statuses and fields they exercise.
func ExampleCoverage() {
	pairs, err := capture.LoadPath("testdata/cassettes/valid.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := contract.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	cov := coverage.New(v)
	for i := range pairs {
		cov.Add(&pairs[i], v.Route(&pairs[i]))
	}
	for _, op := range cov.Report().Operations {
		fmt.Printf("%s: %d pair(s), statuses %d/%d\n", op.OperationID, op.Pairs, op.StatusesCovered, op.StatusesDeclared)
	}
	_ = os.Stdout.Sync()
	// Output:
	// UpdateExternalConnection: 1 pair(s), statuses 1/7
	// UpdateSAMLConnection: 2 pair(s), statuses 2/7
}

// Stream the pairs of a file or a directory tree one at a time, keeping only
// what is needed; files that cannot be read safely (a named pipe) are
// skipped with a reason.
func ExampleForEach() {
	err := capture.ForEach("testdata/cassettes/valid.yaml", func(p *contract.Pair) error {
		fmt.Printf("%s line %d: %s %d\n", p.Where(), p.Line, p.Method, p.StatusCode)
		return nil
	}, func(path, reason string) {
		fmt.Println("skipped", path+":", reason)
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// testdata/cassettes/valid.yaml#0 line 4: PUT 200
	// testdata/cassettes/valid.yaml#1 line 32: PUT 200
	// testdata/cassettes/valid.yaml#2 line 59: PUT 404
}

// Stream the pairs of a capture read from standard input (or any reader) as
// it arrives; the format is told by content.
func ExampleForEachReader() {
	stdin := strings.NewReader(`{"log":{"entries":[
	  {"request":{"method":"PUT","url":"https://test.stytch.com/v1/b2b/sso/saml/org-1/connections/saml-1"},
	   "response":{"status":200}}]}}`)
	err := capture.ForEachReader(stdin, "<stdin>", func(p *contract.Pair) error {
		fmt.Printf("%s line %d: %s %d\n", p.Where(), p.Line, p.Method, p.StatusCode)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// <stdin>#0 line 2: PUT 200
}
