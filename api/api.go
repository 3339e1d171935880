// Package api holds the OpenAPI description of the two Stytch B2B SSO
// update endpoints, embedded in the binary, and parses it once per process.
//
// Everything that validates traffic (the contract validator, the local
// provider, the tests) starts from [Document] so that no code path reads or
// parses the spec again per request. Other documents (a spec file given on
// a command line, Stytch's published spec) are loaded by [Load] and
// [LoadFile], the one loader, under the [Rules] that suit them:
//
//	doc, err := api.Document()
//	if err != nil { ... }
//	op := doc.Paths.Find(names.SAMLConnectionPath).Put // package api/names
package api

import (
	_ "embed"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var spec []byte

// YAML returns a copy of the embedded spec's bytes, so callers cannot change
// what every other user of the package sees.
func YAML() []byte {
	return append([]byte(nil), spec...)
}

var document = sync.OnceValues(func() (*openapi3.T, error) {
	return Parse(spec)
})

// Document returns the embedded spec, parsed and validated on first use and
// shared after that. The returned document is shared by every caller in the
// process: treat it as read-only.
func Document() (*openapi3.T, error) {
	return document()
}

// Parse loads an OpenAPI 3 document from YAML or JSON bytes and checks it
// with kin-openapi's own validation: [Load] with [Strict]. It is what
// [Document] uses, exposed so that a spec file given on a command line is
// held to the same rules.
func Parse(data []byte) (*openapi3.T, error) {
	doc, _, err := Load(data, "", Strict)
	return doc, err
}
