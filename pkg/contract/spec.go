package contract

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// LoadSpec reads an OpenAPI 3 document (YAML or JSON) from the file at path
// for [WithDocument], as [ParseSpec] does. Errors name the file.
func LoadSpec(path string) (*openapi3.T, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("spec: %w", err)
	}
	doc, warnings, err := ParseSpec(data)
	if err != nil {
		return nil, nil, fmt.Errorf("spec %s: %w", path, err)
	}
	return doc, warnings, nil
}

// ParseSpec parses an OpenAPI 3 document and checks it with kin-openapi's
// document validation (examples included), like api.Parse, with one
// difference: operationIds used by more than one operation, which OpenAPI
// forbids and kin-openapi refuses, are a warning, not an error. Stytch's
// published document has one (api_magic_v1_Authenticate, on two paths). The
// validator then names those operations by method and path template
// ("POST /v1/magic_links/authenticate"), in violations and coverage alike.
// Everything else kin-openapi refuses is still an error.
//
// The warnings are one line each, in a stable order, and never hold
// anything but names from the document.
func ParseSpec(data []byte) (*openapi3.T, []string, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, nil, fmt.Errorf("parse spec: %w", err)
	}
	if doc.Paths == nil {
		return nil, nil, fmt.Errorf("invalid spec: no paths")
	}
	// Collect the operations of every operationId.
	byID := map[string][]*openapi3.Operation{}
	where := map[*openapi3.Operation]string{}
	for _, tmpl := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(tmpl)
		if item == nil {
			continue
		}
		for method, op := range item.Operations() {
			if op == nil || op.OperationID == "" {
				continue
			}
			byID[op.OperationID] = append(byID[op.OperationID], op)
			where[op] = method + " " + tmpl
		}
	}
	var warnings []string
	var blanked []*openapi3.Operation
	for id, ops := range byID {
		if len(ops) < 2 {
			continue
		}
		names := make([]string, len(ops))
		for i, op := range ops {
			names[i] = where[op]
		}
		sort.Strings(names)
		warnings = append(warnings, fmt.Sprintf("operationId %q is used by %d operations (%s); OpenAPI requires it to be unique, so they are named by method and path template",
			Escape(id), len(ops), Escape(strings.Join(names, ", "))))
		blanked = append(blanked, ops...)
	}
	sort.Strings(warnings)
	// Validate with the duplicates' ids blanked (an operationId is
	// optional), then give the document its ids back.
	saved := make([]string, len(blanked))
	for i, op := range blanked {
		saved[i], op.OperationID = op.OperationID, ""
	}
	err = doc.Validate(context.Background(), openapi3.EnableExamplesValidation())
	for i, op := range blanked {
		op.OperationID = saved[i]
	}
	if err != nil {
		return nil, nil, fmt.Errorf("invalid spec: %w", err)
	}
	return doc, warnings, nil
}
