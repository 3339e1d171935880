package contract

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// formatSet holds the format validators of one Validator. They are handed to
// kin-openapi per call (openapi3.WithStringFormatValidators and friends), so
// no package-level registry of kin-openapi is read for the formats the spec
// uses and none is ever written: two validators with different specs or
// formats cannot disturb each other.
type formatSet struct {
	str     map[string]openapi3.StringFormatValidator
	number  map[string]openapi3.NumberFormatValidator
	integer map[string]openapi3.IntegerFormatValidator
}

// Errors of the built-in format validators. They never quote the value.
var (
	errNotDateTime = errors.New("not an RFC 3339 date-time")
	errNotDate     = errors.New("not an RFC 3339 full-date")
	errNotByte     = errors.New("not base64")
	errNotEmail    = errors.New("not an email address")
	errNotURI      = errors.New("not an absolute URI")
	errNotIP       = errors.New("not an IP address")
	errOutOfRange  = errors.New("out of range")
)

func stringFormat(fn func(string) error) openapi3.StringFormatValidator {
	return openapi3.NewCallbackValidator(fn)
}

// builtinStringFormats are the string formats the validator knows. Formats
// that say nothing checkable (password, binary) accept any string.
func builtinStringFormats() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"date-time": stringFormat(func(s string) error {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				return errNotDateTime
			}
			return nil
		}),
		"date": stringFormat(func(s string) error {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return errNotDate
			}
			return nil
		}),
		"byte": stringFormat(func(s string) error {
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				if _, err := base64.URLEncoding.DecodeString(s); err != nil {
					return errNotByte
				}
			}
			return nil
		}),
		"email": stringFormat(func(s string) error {
			at := strings.LastIndexByte(s, '@')
			if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>\"") {
				return errNotEmail
			}
			return nil
		}),
		"uri": stringFormat(func(s string) error {
			u, err := url.Parse(s)
			if err != nil || !u.IsAbs() {
				return errNotURI
			}
			return nil
		}),
		"uuid": openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562),
		"ipv4": stringFormat(func(s string) error {
			if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
				return errNotIP
			}
			return nil
		}),
		"ipv6": stringFormat(func(s string) error {
			if a, err := netip.ParseAddr(s); err != nil || !a.Is6() {
				return errNotIP
			}
			return nil
		}),
		"password": stringFormat(func(string) error { return nil }),
		"binary":   stringFormat(func(string) error { return nil }),
	}
}

func builtinIntegerFormats() map[string]openapi3.IntegerFormatValidator {
	return map[string]openapi3.IntegerFormatValidator{
		"int32": openapi3.NewRangeFormatValidator(int64(math.MinInt32), int64(math.MaxInt32)),
		"int64": openapi3.NewRangeFormatValidator(int64(math.MinInt64), int64(math.MaxInt64)),
	}
}

func builtinNumberFormats() map[string]openapi3.NumberFormatValidator {
	return map[string]openapi3.NumberFormatValidator{
		"float": openapi3.NewCallbackValidator(func(f float64) error {
			if math.Abs(f) > math.MaxFloat32 {
				return errOutOfRange
			}
			return nil
		}),
		"double": openapi3.NewCallbackValidator(func(float64) error { return nil }),
	}
}

// newFormatSet registers, for this validator only, a validator for every
// format that doc uses, and fails on a format it cannot check, naming it and
// where it is used, so that no format is silently ignored.
func newFormatSet(doc *openapi3.T, extra map[string]openapi3.StringFormatValidator) (*formatSet, error) {
	all := &formatSet{str: builtinStringFormats(), number: builtinNumberFormats(), integer: builtinIntegerFormats()}
	for name, f := range extra {
		all.str[name] = f
	}
	used := map[string]string{} // format -> where first seen
	for where, s := range docSchemas(doc) {
		collectFormats(s, where, used, map[*openapi3.Schema]bool{})
	}
	fs := &formatSet{
		str:     map[string]openapi3.StringFormatValidator{},
		number:  map[string]openapi3.NumberFormatValidator{},
		integer: map[string]openapi3.IntegerFormatValidator{},
	}
	var unknown []string
	for name, where := range used {
		known := false
		if f, ok := all.str[name]; ok {
			fs.str[name], known = f, true
		}
		if f, ok := all.number[name]; ok {
			fs.number[name], known = f, true
		}
		if f, ok := all.integer[name]; ok {
			fs.integer[name], known = f, true
		}
		if !known {
			unknown = append(unknown, fmt.Sprintf("%q (%s)", name, where))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("contract: the spec uses formats the validator cannot check: %s; register them with WithStringFormat", strings.Join(unknown, ", "))
	}
	return fs, nil
}

// schemaOptions are the kin-openapi options that carry the formats.
func (fs *formatSet) schemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(fs.str),
		openapi3.WithNumberFormatValidators(fs.number),
		openapi3.WithIntegerFormatValidators(fs.integer),
	}
}

// docSchemas lists the root schemas of doc with a name for messages: the
// component schemas, and the parameters and bodies of every operation.
func docSchemas(doc *openapi3.T) map[string]*openapi3.SchemaRef {
	out := map[string]*openapi3.SchemaRef{}
	if doc.Components != nil {
		for name, s := range doc.Components.Schemas {
			out["#/components/schemas/"+name] = s
		}
	}
	if doc.Paths == nil {
		return out
	}
	for path, item := range doc.Paths.Map() {
		params := append(openapi3.Parameters(nil), item.Parameters...)
		for method, op := range item.Operations() {
			where := method + " " + path
			for _, p := range append(params, op.Parameters...) {
				if p != nil && p.Value != nil && p.Value.Schema != nil {
					out[where+" parameter "+p.Value.Name] = p.Value.Schema
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for mt, m := range op.RequestBody.Value.Content {
					if m != nil && m.Schema != nil {
						out[where+" request "+mt] = m.Schema
					}
				}
			}
			if op.Responses != nil {
				for code, r := range op.Responses.Map() {
					if r == nil || r.Value == nil {
						continue
					}
					for mt, m := range r.Value.Content {
						if m != nil && m.Schema != nil {
							out[where+" response "+code+" "+mt] = m.Schema
						}
					}
					for h, hr := range r.Value.Headers {
						if hr != nil && hr.Value != nil && hr.Value.Schema != nil {
							out[where+" response "+code+" header "+h] = hr.Value.Schema
						}
					}
				}
			}
		}
	}
	return out
}

func collectFormats(ref *openapi3.SchemaRef, where string, used map[string]string, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	if s.Format != "" {
		if _, ok := used[s.Format]; !ok {
			used[s.Format] = where
		}
	}
	for name, p := range s.Properties {
		collectFormats(p, where+"/"+name, used, seen)
	}
	collectFormats(s.Items, where+"/items", used, seen)
	collectFormats(s.AdditionalProperties.Schema, where+"/additionalProperties", used, seen)
	collectFormats(s.Not, where+"/not", used, seen)
	for _, group := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, x := range group {
			collectFormats(x, where, used, seen)
		}
	}
}
