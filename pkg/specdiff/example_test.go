package specdiff_test

import (
	"fmt"
	"strings"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

// Removing an enum value from a request field breaks callers that send it.
func ExampleCompare() {
	old := api.YAML()
	changed := []byte(strings.Replace(string(old), "        - shibboleth\n", "", 1))
	rep, err := specdiff.Compare(old, changed, "old.yaml", "new.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.HasBreaking(), rep.Changes[0].ID)
	// Output:
	// true request-property-enum-value-removed
}

// Compare our operations with an upstream spec written by other hands.
func ExampleCompareUpstream() {
	ours, err := api.Document()
	if err != nil {
		fmt.Println(err)
		return
	}
	upstream := strings.Replace(string(api.YAML()), "      requestBody:\n        required: false", "      requestBody:\n        required: true", 1)
	up, err := specdiff.LoadUpstream([]byte(upstream), "upstream.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range specdiff.CompareUpstream(ours, up) {
		fmt.Printf("%s | %s | %s: ours %s, upstream %s\n", d.Operation, d.Where, d.Aspect, d.Ours, d.Upstream)
	}
	// Output:
	// PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id} | request body | body-required: ours optional, upstream required
}
