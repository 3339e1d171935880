package contract

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stytchsso/stytchsso/api"
)

// LoadSpec reads an OpenAPI 3 document (YAML or JSON) from the file at path
// for [WithDocument], as [ParseSpec] does: api.LoadFile with
// api.Published. Errors name the file.
func LoadSpec(path string) (*openapi3.T, []string, error) {
	return api.LoadFile(path, api.Published)
}

// ParseSpec parses an OpenAPI 3 document for [WithDocument] and checks it
// with kin-openapi's document validation (examples included), like
// api.Parse, with one difference: operationIds used by more than one
// operation, which OpenAPI forbids and kin-openapi refuses, are a warning,
// not an error. Stytch's published document has one
// (api_magic_v1_Authenticate, on two paths). The validator then names those
// operations by method and path template ("POST /v1/magic_links/authenticate"),
// in violations and coverage alike. Everything else kin-openapi refuses is
// still an error. It is api.Load with api.Published.
//
// The warnings are one line each, in a stable order, and never hold
// anything but names from the document.
func ParseSpec(data []byte) (*openapi3.T, []string, error) {
	return api.Load(data, "", api.Published)
}
