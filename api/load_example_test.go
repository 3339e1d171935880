package api_test

import (
	"fmt"

	"github.com/stytchsso/stytchsso/api"
)

// A document that gives one operationId to two operations, as Stytch's
// published one does: kin-openapi's validation (Strict) refuses it;
// Published loads it with a warning.
func ExampleLoad() {
	data := []byte(`openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get: {operationId: same, responses: {'200': {description: ok}}}
  /b:
    get: {operationId: same, responses: {'200': {description: ok}}}
`)
	if _, _, err := api.Load(data, "two.yaml", api.Strict); err != nil {
		fmt.Println("strict: refused")
	}
	doc, warnings, err := api.Load(data, "two.yaml", api.Published)
	if err != nil {
		panic(err)
	}
	fmt.Println("published:", doc.Paths.Len(), "paths")
	for _, w := range warnings {
		fmt.Println(w)
	}
	// Output:
	// strict: refused
	// published: 2 paths
	// operationId "same" is used by 2 operations (GET /a, GET /b); OpenAPI requires it to be unique, so they are named by method and path template
}
