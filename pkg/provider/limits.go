package provider

import (
	"fmt"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
)

// Limits on what one request and one connection can hold, so that the
// state of a long-running provider cannot grow without bound and every
// stored connection stays small enough to answer. A request past a limit
// gets 400 with the error_type named beside each limit, and changes nothing.
// Stytch's own limits are not published; these are the provider's.
const (
	// MaxJSONDepth is the deepest nesting of objects and arrays a request
	// body may have (400 bad_request).
	MaxJSONDepth = 16
	// MaxAttributeMappingEntries is how many keys an attribute_mapping may
	// have, counted at every level (400 attribute_mapping_too_large).
	MaxAttributeMappingEntries = 100
	// MaxAttributeMappingBytes is the largest attribute_mapping, as JSON
	// (400 attribute_mapping_too_large).
	MaxAttributeMappingBytes = 16 << 10
	// MaxVerificationCertificates is how many verification certificates a
	// SAML connection may hold (400 too_many_verification_certificates).
	MaxVerificationCertificates = 25
	// MaxEncryptionPrivateKeys is how many encryption private keys a SAML
	// connection may hold (400 too_many_encryption_private_keys).
	MaxEncryptionPrivateKeys = 25
	// MaxRoleAssignments is how many entries each implicit role assignment
	// list may have (400 too_many_role_assignments).
	MaxRoleAssignments = 100
)

// jsonDepth returns the deepest nesting of objects and arrays in body,
// stopping early once past limit. It does not validate the JSON.
func jsonDepth(body []byte, limit int) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// countEntries counts the keys of a decoded JSON value at every level.
func countEntries(v any) int {
	switch t := v.(type) {
	case map[string]any:
		n := len(t)
		for _, e := range t {
			n += countEntries(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range t {
			n += countEntries(e)
		}
		return n
	}
	return 0
}

func checkAttributeMapping(m *stytchsso.AttributeMapping, size int) *apiError {
	if m == nil {
		return nil
	}
	if countEntries(map[string]any(*m)) > MaxAttributeMappingEntries || size > MaxAttributeMappingBytes {
		return badRequest("attribute_mapping_too_large",
			fmt.Sprintf("The attribute_mapping may have at most %d keys and %d bytes.", MaxAttributeMappingEntries, MaxAttributeMappingBytes), "attribute_mapping")
	}
	return nil
}

func checkRoleAssignments(field string, n int) *apiError {
	if n > MaxRoleAssignments {
		return badRequest("too_many_role_assignments",
			fmt.Sprintf("The field %s may have at most %d entries.", field, MaxRoleAssignments), field)
	}
	return nil
}
