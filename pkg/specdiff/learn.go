package specdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/jsonptr"
)

// Learner collects what recorded traffic shows and our spec lacks: response
// fields the spec does not declare (strict mode's undocumented-field),
// string values outside a declared enum (in requests and responses), and
// statuses an operation does not declare. It keeps shapes, never values:
// what it writes says which types and formats were seen, so that nothing a
// capture holds (personal data, secrets) reaches the spec. The one
// exception is an enum value, which is a name the API defines.
//
// Feed it with [Learner.Observe], then call [Learner.Propose].
type Learner struct {
	ours      *openapi3.T
	fields    map[location]*shape
	enums     map[location]map[string]bool
	statuses  map[location]*shape // Where is "response NNN", Pointer empty
	exchanges int
}

// location is where in an operation something was seen.
type location struct{ op, where, ptr string }

// NewLearner returns a Learner for our parsed spec.
func NewLearner(ours *openapi3.T) *Learner {
	return &Learner{ours: ours, fields: map[location]*shape{}, enums: map[location]map[string]bool{}, statuses: map[location]*shape{}}
}

// Observe records one exchange of the operation op ("METHOD template", as
// [CompareUpstream] names operations): the request body and the response
// status and body (JSON; other bodies are ignored).
func (l *Learner) Observe(op string, status int, requestBody, responseBody []byte) {
	o, err := kinOperation(l.ours, op)
	if err != nil || status < 100 || status > 599 {
		return // not ours, or no response (a HAR entry's status 0)
	}
	l.exchanges++
	// A request's values are learned only when the API accepted them: a
	// value outside the enum in a rejected request is a mistake, not a name.
	if v, ok := decodeJSON(requestBody); ok && status >= 200 && status < 300 {
		if ref, err := kinBodySchema(l.ours, op, "request body"); err == nil {
			l.walk(location{op, "request body", ""}, ref, v, false)
		}
	}
	code := strconv.Itoa(status)
	where := "response " + code
	if responses(o)[code] == nil {
		sh := l.statuses[location{op, where, ""}]
		if sh == nil {
			sh = &shape{}
			l.statuses[location{op, where, ""}] = sh
		}
		if v, ok := decodeJSON(responseBody); ok {
			sh.observe(v)
		}
		return
	}
	if v, ok := decodeJSON(responseBody); ok {
		if ref, err := kinBodySchema(l.ours, op, where); err == nil {
			l.walk(location{op, where, ""}, ref, v, true)
		}
	}
}

func decodeJSON(b []byte) (any, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || (b[0] != '{' && b[0] != '[') {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// walk compares a decoded value with our schema at loc.ptr. Fields are
// learned in responses only: a client may send what the API ignores.
func (l *Learner) walk(loc location, ref *openapi3.SchemaRef, v any, fields bool) {
	if ref == nil || ref.Value == nil {
		return
	}
	s := ref.Value
	if len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 {
		return // opaque to strict mode as well
	}
	switch x := v.(type) {
	case map[string]any:
		free := len(s.Properties) == 0 || s.AdditionalProperties.Schema != nil ||
			(s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has)
		for _, key := range sortedKeys(x) {
			at := location{loc.op, loc.where, loc.ptr + "/" + jsonptr.Escape(key)}
			switch {
			case s.Properties[key] != nil:
				l.walk(at, s.Properties[key], x[key], fields)
			case s.AdditionalProperties.Schema != nil:
				l.walk(location{loc.op, loc.where, loc.ptr + "/{key}"}, s.AdditionalProperties.Schema, x[key], fields)
			case !free && fields:
				sh := l.fields[at]
				if sh == nil {
					sh = &shape{}
					l.fields[at] = sh
				}
				sh.observe(x[key])
			}
		}
	case []any:
		for _, item := range x {
			l.walk(location{loc.op, loc.where, loc.ptr + "/*"}, s.Items, item, fields)
		}
	case string:
		if len(s.Enum) > 0 && !enumHas(s.Enum, x) {
			if l.enums[loc] == nil {
				l.enums[loc] = map[string]bool{}
			}
			l.enums[loc][x] = true
		}
	}
}

func enumHas(enum []any, v string) bool {
	for _, e := range enum {
		if e == v {
			return true
		}
	}
	return false
}

// Propose writes what was learned into our spec file (spec, YAML, the file
// of the document the Learner was made with), as [SyncUpstream] does:
// properties with the schema inferred from every value seen, enum values,
// statuses. A field seen with two types, or only as null, is a [Decision].
func (l *Learner) Propose(spec []byte) (*Proposal, error) {
	doc, err := parseYAMLDoc(spec)
	if err != nil {
		return nil, err
	}
	s := newSyncer(doc, l.ours)
	var decisions []Decision
	decide := func(loc location, aspect, seen, why string) {
		decisions = append(decisions, Decision{
			Difference: Difference{Operation: loc.op, Where: loc.where, Pointer: loc.ptr, Aspect: aspect, Ours: absent, Upstream: "traffic: " + seen},
			Why:        why,
		})
	}
	for _, loc := range sortedLocations(l.fields) {
		sh := l.fields[loc]
		node, conflict := sh.schema(loc.ptr, true)
		if conflict != "" {
			decide(loc, "type", conflict, "seen with more than one type (or only as null) in traffic: not guessed")
			continue
		}
		parent, name := splitPointer(loc.ptr)
		if !propertyName.MatchString(name) {
			decide(location{loc.op, loc.where, parent}, "presence", notAName, "a member whose name does not look like a field name: not written, not shown")
			continue
		}
		if err := s.addProperty(loc.op, loc.where, parent, name, node, "property learned from traffic"); err != nil {
			decide(loc, "presence", "declared", err.Error())
		}
	}
	for _, loc := range sortedLocations(l.enums) {
		var values []string
		hidden := 0
		for _, v := range sortedKeys(l.enums[loc]) {
			if enumName.MatchString(v) {
				values = append(values, v)
			} else {
				hidden++
			}
		}
		if hidden > 0 {
			decide(loc, "enum", fmt.Sprintf("%d value(s) that do not look like a name", hidden), "values outside the enum that may be personal data or secrets: not written, not shown")
		}
		if len(values) == 0 {
			continue
		}
		if err := s.addEnumValues(loc.op, loc.where, loc.ptr, values, "enum value learned from traffic"); err != nil {
			decide(loc, "enum", strings.Join(values, ", "), err.Error())
		}
	}
	for _, loc := range sortedLocations(l.statuses) {
		status := strings.TrimPrefix(loc.where, "response ")
		sh := l.statuses[loc]
		var schema *yaml.Node
		mt := ""
		if atoi(status) < 400 && sh.seen > 0 {
			node, conflict := sh.schema("", false)
			if conflict != "" {
				decide(loc, "presence", conflict, "a status whose bodies disagree in type: not guessed")
				continue
			}
			schema, mt = node, "application/json"
		}
		desc := fmt.Sprintf("%s. Learned from traffic: the spec did not declare this status.", http.StatusText(atoi(status)))
		if err := s.addResponse(loc.op, status, desc, mt, schema, "status learned from traffic"); err != nil {
			decide(loc, "presence", "seen", err.Error())
		}
	}
	p := &Proposal{Spec: doc.bytes(), Additions: s.additions, Decisions: decisions}
	if _, err := api.Parse(p.Spec); err != nil {
		return nil, fmt.Errorf("specdiff: the additions make an invalid spec (a bug; nothing written): %w", err)
	}
	return p, nil
}

// What traffic may name in the spec: a field name, an enum value. Anything
// else (an email, a token, an ID used as a map key) may be personal data or
// a secret, and is a decision that does not show it.
var (
	propertyName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
	enumName     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,47}$`)
)

const notAName = "a name not shown"

// Exchanges returns how many exchanges of our operations were observed.
func (l *Learner) Exchanges() int { return l.exchanges }

func sortedLocations[V any](m map[location]V) []location {
	out := make([]location, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.op != b.op {
			return a.op < b.op
		}
		if a.where != b.where {
			return a.where < b.where
		}
		return a.ptr < b.ptr
	})
	return out
}

// shape is what every value seen at one place had in common: the JSON
// types, whether each string format held for all strings, and the shapes
// of object members and array items.
type shape struct {
	seen    int
	types   map[string]bool // string, integer, number, boolean, object, array, null
	formats map[string]bool // string formats that held for every string so far
	strings int
	props   map[string]*shape
	items   *shape
}

// stringFormats are the formats inferred when every string seen matches.
var stringFormats = []struct {
	name  string
	match func(string) bool
}{
	{"date-time", func(s string) bool { _, err := time.Parse(time.RFC3339Nano, s); return err == nil }},
	{"uuid", uuidRE.MatchString},
	{"email", func(s string) bool {
		a, err := mail.ParseAddress(s)
		return err == nil && a.Name == "" && a.Address == s
	}},
	{"uri", func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
	}},
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (sh *shape) observe(v any) {
	sh.seen++
	if sh.types == nil {
		sh.types = map[string]bool{}
	}
	switch x := v.(type) {
	case nil:
		sh.types["null"] = true
	case bool:
		sh.types["boolean"] = true
	case json.Number:
		if _, err := x.Int64(); err == nil && !strings.ContainsAny(x.String(), ".eE") {
			sh.types["integer"] = true
		} else {
			sh.types["number"] = true
		}
	case string:
		sh.types["string"] = true
		if sh.strings == 0 {
			sh.formats = map[string]bool{}
			for _, f := range stringFormats {
				sh.formats[f.name] = true
			}
		}
		sh.strings++
		for _, f := range stringFormats {
			if sh.formats[f.name] && !f.match(x) {
				delete(sh.formats, f.name)
			}
		}
	case map[string]any:
		sh.types["object"] = true
		if sh.props == nil {
			sh.props = map[string]*shape{}
		}
		for k, val := range x {
			if sh.props[k] == nil {
				sh.props[k] = &shape{}
			}
			sh.props[k].observe(val)
		}
	case []any:
		sh.types["array"] = true
		if sh.items == nil {
			sh.items = &shape{}
		}
		for _, item := range x {
			sh.items.observe(item)
		}
	}
}

// schema returns the schema the values imply, or a description of the
// conflict (with where it is) when they do not imply one.
func (sh *shape) schema(ptr string, top bool) (*yaml.Node, string) {
	var types []string
	for t := range sh.types {
		if t != "null" {
			types = append(types, t)
		}
	}
	sort.Strings(types)
	if len(types) == 2 && types[0] == "integer" && types[1] == "number" {
		types = []string{"number"}
	}
	switch {
	case len(types) == 0:
		return nil, "only null at " + orRoot(ptr)
	case len(types) > 1:
		return nil, strings.Join(types, " and ") + " at " + orRoot(ptr)
	}
	var kv []any
	kv = append(kv, "type", types[0])
	if types[0] == "string" {
		for _, f := range stringFormats {
			if sh.formats[f.name] {
				kv = append(kv, "format", f.name)
				break
			}
		}
	}
	if sh.types["null"] {
		kv = append(kv, "nullable", true)
	}
	if top {
		kv = append(kv, "description", text(fmt.Sprintf("Learned from traffic (%d value(s) seen); not documented by Stytch.", sh.seen)))
	}
	switch types[0] {
	case "object":
		if len(sh.props) > 0 {
			props := &yaml.Node{Kind: yaml.MappingNode}
			for _, name := range sortedKeys(sh.props) {
				if !propertyName.MatchString(name) {
					return nil, "a member whose name does not look like a field name (not shown) in " + orRoot(ptr)
				}
				n, conflict := sh.props[name].schema(ptr+"/"+jsonptr.Escape(name), false)
				if conflict != "" {
					return nil, conflict
				}
				props.Content = append(props.Content, scalar(name), n)
			}
			kv = append(kv, "properties", props)
		}
	case "array":
		items := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		if sh.items != nil && sh.items.seen > 0 {
			n, conflict := sh.items.schema(ptr+"/*", false)
			if conflict != "" {
				return nil, conflict
			}
			items = n
		}
		kv = append(kv, "items", items)
	}
	return mapping(kv...), ""
}
