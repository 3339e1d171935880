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

// Write into our spec a field Stytch's document gained: the file comes back
// with the property's lines inserted and nothing else changed.
func ExampleSyncUpstream() {
	upstream := strings.Replace(string(api.YAML()),
		"        allow_gateway_callback:\n          type: boolean\n          description: Whether the connection accepts callbacks through a gateway.\n",
		"        allow_gateway_callback:\n          type: boolean\n          description: Whether the connection accepts callbacks through a gateway.\n        sp_entity_id:\n          type: string\n          description: The entity ID Stytch presents to the IdP.\n", 1)
	up, err := specdiff.LoadUpstream([]byte(upstream), "upstream.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := specdiff.SyncUpstream(api.YAML(), up, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range p.Additions {
		fmt.Println(a.Where, a.Pointer, "-", a.What)
	}
	fmt.Println(len(p.Spec)-len(api.YAML()), "bytes added,", len(p.Decisions), "decisions")
	// Output:
	// response 200 /connection/sp_entity_id - property copied from upstream
	// 110 bytes added, 0 decisions
}

// Learn from traffic what the spec lacks: the field's schema comes from
// the values seen, never the values themselves.
func ExampleLearner() {
	ours, err := api.Document()
	if err != nil {
		fmt.Println(err)
		return
	}
	l := specdiff.NewLearner(ours)
	l.Observe("PUT /v1/b2b/sso/external/{organization_id}/connections/{connection_id}", 200, nil,
		[]byte(`{"request_id": "request-id-test-1", "status_code": 200, "connection": {"last_used_at": "2026-03-07T11:12:13Z"}}`))
	p, err := l.Propose(api.YAML())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range p.Additions {
		fmt.Println(a.Where, a.Pointer, "-", a.What)
	}
	fmt.Println(strings.Contains(string(p.Spec), "format: date-time"), strings.Contains(string(p.Spec), "2026-03-07T11:12:13Z"))
	// Output:
	// response 200 /connection/last_used_at - property learned from traffic
	// true false
}
