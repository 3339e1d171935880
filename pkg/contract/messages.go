package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/stytchsso/stytchsso/internal/jsonptr"
)

// schemaMessage says what a value breaks, from the schema alone: kin-openapi's
// own messages (SchemaError.Error) quote the value, and bodies carry private
// keys, so no message here is ever built from a value or from kin-openapi's
// text.
func schemaMessage(field string, s *openapi3.Schema) string {
	switch field {
	case "type":
		return "must be " + typeDesc(s)
	case "nullable":
		return "must not be null"
	case "enum":
		if s != nil {
			return fmt.Sprintf("is not one of the %d values the spec allows", len(s.Enum))
		}
		return "is not one of the values the spec allows"
	case "format":
		if s != nil {
			return fmt.Sprintf("does not match format %q", s.Format)
		}
		return "does not match its format"
	case "minLength":
		if s != nil {
			return fmt.Sprintf("is shorter than the minimum length %d", s.MinLength)
		}
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			return fmt.Sprintf("is longer than the maximum length %d", *s.MaxLength)
		}
	case "properties", "additionalProperties":
		return "property is not allowed by the schema"
	case "required":
		return "required property is missing"
	}
	if field == "" {
		return "does not match the schema"
	}
	return fmt.Sprintf("does not satisfy the schema's %q", field)
}

func typeDesc(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(*s.Type) == 0 {
		return "of the declared type"
	}
	types := *s.Type
	if len(types) > 1 {
		return "one of " + strings.Join(types, ", ")
	}
	if s.Type.Is(openapi3.TypeInteger) {
		return "an integer"
	}
	switch types[0] {
	case openapi3.TypeArray, openapi3.TypeObject:
		return "an " + types[0]
	}
	return "a " + types[0]
}

// typeMessage says that a value of JSON type found ("a string", "null")
// is not of the type s declares.
func typeMessage(found string, s *openapi3.Schema) string {
	return "must be " + typeDesc(s) + ", found " + found
}

// jsonKind names the JSON type of the value starting with byte c.
func jsonKind(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// goKind names the JSON type of a value decoded by kin-openapi, never the
// value itself.
func goKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case float64, float32, int, int64, int32, json.Number:
		return "a number"
	}
	return "a value of another type"
}

// mediaTypeOf names the media type of a Content-Type header for messages:
// the lower-case type and subtype without parameters (a charset, a
// multipart boundary), escaped and cut to 80 bytes, or "(none)".
func mediaTypeOf(ct string) string {
	if strings.TrimSpace(ct) == "" {
		return "(none)"
	}
	base, _, err := mime.ParseMediaType(ct)
	if err != nil {
		base, _, _ = strings.Cut(ct, ";")
		base = strings.ToLower(strings.TrimSpace(base))
	}
	if len(base) > 80 {
		base = strings.ToValidUTF8(base[:80], "") + "..."
	}
	return Escape(base)
}

// declaredMediaTypes lists the media types of content, sorted.
func declaredMediaTypes(content openapi3.Content) string {
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, Escape(k))
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// contentTypeMessage says that a body's media type (from ct) is not one of
// those content declares.
func contentTypeMessage(side Side, ct string, content openapi3.Content) string {
	return string(side) + " media type " + mediaTypeOf(ct) + " is not one the operation declares (declared: " + declaredMediaTypes(content) + ")"
}

// translator turns kin-openapi errors into violations.
type translator struct {
	o      *operation
	side   Side
	ct     string // the side's Content-Type header, for messages
	status int    // the response status, for messages
	out    []Violation
}

func (t *translator) add(kind Kind, loc, msg string) {
	t.out = append(t.out, Violation{Operation: t.o.id, Side: t.side, Kind: kind, Location: loc, Message: msg})
}

// responseContent returns what the operation declares for the response's
// status (or its default), or nil.
func (t *translator) responseContent() openapi3.Content {
	rs := t.o.op.Responses
	if rs == nil {
		return nil
	}
	ref := rs.Status(t.status)
	if ref == nil {
		ref = rs.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	return ref.Value.Content
}

// translate walks err (MultiError, RequestError, ResponseError,
// SecurityRequirementsError, SchemaError) and adds one violation per leaf.
func (t *translator) translate(err error) {
	if err == nil {
		return
	}
	var me openapi3.MultiError
	if errors.As(err, &me) && isMulti(err) {
		for _, e := range me {
			t.translate(e)
		}
		return
	}
	switch e := err.(type) {
	case *openapi3filter.SecurityRequirementsError:
		t.add(KindSecurity, "header:Authorization", securityMessage(e))
		return
	case *openapi3filter.RequestError:
		t.request(e)
		return
	case *openapi3filter.ResponseError:
		t.response(e)
		return
	case *openapi3.SchemaError:
		t.schema(e, "")
		return
	}
	t.add(KindSchema, "", "does not match the spec")
}

func isMulti(err error) bool {
	_, ok := err.(openapi3.MultiError)
	return ok
}

func securityMessage(e *openapi3filter.SecurityRequirementsError) string {
	for _, inner := range e.Errors {
		var safe *authError
		if errors.As(inner, &safe) {
			return safe.msg
		}
	}
	return "the request meets none of the spec's security requirements"
}

func (t *translator) request(e *openapi3filter.RequestError) {
	if p := e.Parameter; p != nil {
		loc := p.In + ":" + p.Name
		switch {
		case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
			t.add(KindMissingRequired, loc, "required parameter is missing")
		case errors.Is(e.Err, openapi3filter.ErrInvalidEmptyValue):
			t.add(KindSchema, loc, "parameter is empty")
		default:
			if !t.schemas(e.Err, loc) {
				t.add(KindSchema, loc, "parameter cannot be parsed as the spec declares")
			}
		}
		return
	}
	if e.RequestBody != nil {
		switch {
		case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
			t.add(KindMissingRequired, "body", "the operation requires a request body")
		case strings.HasPrefix(e.Reason, "header Content-Type has unexpected value"):
			var content openapi3.Content
			if e.RequestBody != nil {
				content = e.RequestBody.Content
			}
			t.add(KindContentType, "header:Content-Type", contentTypeMessage(SideRequest, t.ct, content))
		case strings.HasPrefix(e.Reason, "failed to decode"), strings.HasPrefix(e.Reason, "reading failed"):
			t.add(KindUnreadableBody, "body", "request body cannot be decoded as its media type")
		default:
			if !t.schemas(e.Err, "") {
				t.add(KindSchema, "body", "request body does not match the schema")
			}
		}
		return
	}
	var safe *authError
	if errors.As(e.Err, &safe) {
		t.add(KindSecurity, "header:Authorization", safe.msg)
		return
	}
	t.add(KindSchema, "request", "request does not match the spec")
}

func (t *translator) response(e *openapi3filter.ResponseError) {
	switch {
	case e.Reason == "status is not supported":
		t.add(KindStatus, "status", "status "+strconv.Itoa(t.status)+" is not one the operation declares (declared: "+t.o.statuses+")")
	case strings.HasPrefix(e.Reason, "response header Content-Type has unexpected value"):
		t.add(KindContentType, "header:Content-Type", contentTypeMessage(SideResponse, t.ct, t.responseContent()))
	case strings.HasPrefix(e.Reason, "failed to decode"), strings.HasPrefix(e.Reason, "failed to read"):
		t.add(KindUnreadableBody, "body", "response body cannot be decoded as its media type")
	case strings.HasPrefix(e.Reason, "response header ") && strings.HasSuffix(e.Reason, " missing"):
		t.add(KindMissingRequired, "header:"+quotedName(e.Reason), "required response header is missing")
	case strings.HasPrefix(e.Reason, "response header "):
		loc := "header:" + quotedName(e.Reason)
		if !t.schemas(e.Err, loc) {
			t.add(KindSchema, loc, "response header does not match the spec")
		}
	default:
		if !t.schemas(e.Err, "") {
			t.add(KindSchema, "body", "response does not match the spec")
		}
	}
}

// quotedName returns the first %q-quoted name in s.
func quotedName(s string) string {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return ""
	}
	name, err := strconv.QuotedPrefix(s[i:])
	if err != nil {
		return ""
	}
	unq, _ := strconv.Unquote(name)
	return unq
}

// schemas adds the SchemaErrors inside err, located under loc (a parameter
// or header) or at their JSON pointer in the body (loc empty). It reports
// whether it found any.
func (t *translator) schemas(err error, loc string) bool {
	if err == nil {
		return false
	}
	if me, ok := err.(openapi3.MultiError); ok {
		found := false
		for _, e := range me {
			if t.schemas(e, loc) {
				found = true
			}
		}
		return found
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return false
	}
	t.schema(se, loc)
	return true
}

func (t *translator) schema(se *openapi3.SchemaError, loc string) {
	var b strings.Builder
	for _, p := range se.JSONPointer() {
		b.WriteByte('/')
		b.WriteString(jsonptr.Escape(p))
	}
	ptr := b.String()
	switch {
	case se.SchemaField == "required":
		t.add(KindMissingRequired, where(loc, ptr), schemaMessage("required", se.Schema))
	case se.SchemaField == "properties" && strings.HasSuffix(se.Reason, " is unsupported"):
		t.add(KindSchema, where(loc, ptr+"/"+jsonptr.Escape(quotedName(se.Reason))), schemaMessage("properties", se.Schema))
	case se.SchemaField == "type":
		t.add(KindSchema, where(loc, ptr), typeMessage(goKind(se.Value), se.Schema))
	default:
		t.add(KindSchema, where(loc, ptr), schemaMessage(se.SchemaField, se.Schema))
	}
}

func where(loc, ptr string) string {
	if loc != "" {
		if ptr != "" {
			return loc + ptr
		}
		return loc
	}
	return bodyLocation(ptr)
}

// authError is what the validator's AuthenticationFunc returns: a fixed,
// value-free message.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

var (
	errAuthMissing   = &authError{"the Authorization header is missing"}
	errAuthNotBasic  = &authError{"the Authorization header does not use the Basic scheme"}
	errAuthMalformed = &authError{"the Basic credentials are not base64 of user:password"}
	errAuthNoAPIKey  = &authError{"the API key the spec requires is missing"}
	errAuthScheme    = &authError{"the Authorization header does not use the scheme the spec requires"}
)
