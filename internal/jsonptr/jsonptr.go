// Package jsonptr builds JSON Pointers (RFC 6901), the locations the
// validator, the coverage report and the spec diff name fields by.
package jsonptr

import "strings"

// escaper turns one object key into a pointer token: "~" first, so that the
// "~" of "~1" is not escaped again.
var escaper = strings.NewReplacer("~", "~0", "/", "~1")

// Escape returns key as one JSON Pointer reference token: "~" becomes "~0"
// and "/" becomes "~1".
func Escape(key string) string {
	if !strings.ContainsAny(key, "~/") {
		return key
	}
	return escaper.Replace(key)
}
