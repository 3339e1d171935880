package api

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Rules says how strictly [Load] holds a document to OpenAPI 3.
type Rules int

const (
	// Strict is kin-openapi's document validation, examples included: the
	// rules our own spec passes ([Document], [Parse]).
	Strict Rules = iota
	// Published is Strict with one difference: operationIds used by more
	// than one operation, which OpenAPI forbids and kin-openapi refuses,
	// are a warning, not an error. Stytch's published document has one
	// (api_magic_v1_Authenticate, on two paths); the contract validator
	// then names those operations by method and path template. Everything
	// else kin-openapi refuses is still an error.
	Published
	// Unvalidated only parses the document and resolves its $refs: for
	// comparing with an upstream document whose quirks (siblings of $ref,
	// examples that do not match) must not stop the comparison.
	Unvalidated
)

// String names the rules, for messages.
func (r Rules) String() string {
	switch r {
	case Strict:
		return "strict"
	case Published:
		return "published"
	case Unvalidated:
		return "unvalidated"
	}
	return fmt.Sprintf("Rules(%d)", int(r))
}

// Load parses an OpenAPI 3 document (YAML or JSON) and holds it to rules.
// It is the one place this module loads specs: [Document], [Parse], the
// contract validator's --spec files and the upstream comparison all come
// here. name (a file name, or "") is used in errors. Each call parses
// afresh: the document returned is the caller's.
//
// warnings (Published only) are one line each, in a stable order, and
// hold nothing but names from the document, escaped.
func Load(data []byte, name string, rules Rules) (doc *openapi3.T, warnings []string, err error) {
	if rules < Strict || rules > Unvalidated {
		return nil, nil, fmt.Errorf("api: load spec %s: unknown %v", name, rules)
	}
	spec := "spec"
	if name != "" {
		spec += " " + name
	}
	doc, err = openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, nil, fmt.Errorf("api: parse %s: %w", spec, err)
	}
	if rules == Unvalidated {
		return doc, nil, nil
	}
	if doc.Paths == nil {
		return nil, nil, fmt.Errorf("api: invalid %s: no paths", spec)
	}
	// Validate with the duplicates' ids blanked (an operationId is
	// optional), then give the document its ids back.
	var blanked []*openapi3.Operation
	if rules == Published {
		warnings, blanked = duplicateOperationIDs(doc)
	}
	saved := make([]string, len(blanked))
	for i, op := range blanked {
		saved[i], op.OperationID = op.OperationID, ""
	}
	err = doc.Validate(context.Background(), openapi3.EnableExamplesValidation())
	for i, op := range blanked {
		op.OperationID = saved[i]
	}
	if err != nil {
		return nil, nil, fmt.Errorf("api: invalid %s: %w", spec, err)
	}
	return doc, warnings, nil
}

// LoadFile reads the file at path and loads it as [Load] does; errors name
// the file.
func LoadFile(path string, rules Rules) (*openapi3.T, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("api: read spec: %w", err)
	}
	return Load(data, path, rules)
}

// duplicateOperationIDs returns a warning per operationId that more than
// one operation uses, and those operations.
func duplicateOperationIDs(doc *openapi3.T) (warnings []string, ops []*openapi3.Operation) {
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
	for id, same := range byID {
		if len(same) < 2 {
			continue
		}
		names := make([]string, len(same))
		for i, op := range same {
			names[i] = where[op]
		}
		sort.Strings(names)
		warnings = append(warnings, fmt.Sprintf("operationId %q is used by %d operations (%s); OpenAPI requires it to be unique, so they are named by method and path template",
			id, len(same), printable(strings.Join(names, ", "))))
		ops = append(ops, same...)
	}
	sort.Strings(warnings)
	return warnings, ops
}

// printable escapes s as a Go string literal would, without the quotes: a
// name from the document cannot forge a line of output or hide behind a
// control character. (Package api sits below the validator, so it cannot
// use contract.Escape.)
func printable(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
