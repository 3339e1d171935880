package api_test

import (
	"fmt"

	"github.com/stytchsso/stytchsso/api"
)

// Stytch's published document names two operations with one operationId:
// kin-openapi's validation (Strict) refuses it; Published loads it with a
// warning.
func ExampleLoadFile() {
	const path = "../pkg/contract/testdata/stytch-openapi-full.yml"
	if _, _, err := api.LoadFile(path, api.Strict); err != nil {
		fmt.Println("strict: refused")
	}
	doc, warnings, err := api.LoadFile(path, api.Published)
	if err != nil {
		panic(err)
	}
	fmt.Println("published:", doc.Paths.Len(), "paths,", len(warnings), "warning")
	// Output:
	// strict: refused
	// published: 171 paths, 1 warning
}

// Our own spec passes every rule; Parse is Load with Strict.
func ExampleLoad() {
	doc, warnings, err := api.Load(api.YAML(), "openapi.yaml", api.Strict)
	if err != nil {
		panic(err)
	}
	fmt.Println(doc.Info.Title != "", len(warnings))
	// Output:
	// true 0
}
