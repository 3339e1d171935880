package specdiff

import (
	"fmt"
	"maps"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/stytchsso/stytchsso/api"
)

// Addition is one change sync wrote (or proposes to write) into our spec.
type Addition struct {
	// Operation, Where and Pointer locate it as a [Difference] does.
	Operation string `json:"operation"`
	Where     string `json:"where"`
	Pointer   string `json:"pointer,omitempty"`
	// What says what was added, in a few words.
	What string `json:"what"`
}

// Decision is a difference sync does not apply: a person adopts it by hand
// or adds it to the accepted list.
type Decision struct {
	Difference
	// Why says why it needs a person.
	Why string `json:"why"`
}

// Proposal is what [SyncUpstream] or [Learner.Propose] makes of a spec file.
type Proposal struct {
	// Spec is the spec file with every addition applied: the input bytes
	// with new lines inserted and nothing else changed. It equals the input
	// when Additions is empty.
	Spec []byte `json:"-"`
	// Additions lists what was applied, Decisions what was not.
	Additions []Addition `json:"additions"`
	Decisions []Decision `json:"decisions"`
	// Accept lists the differences from upstream that the additions keep on
	// purpose, by our conventions: an error status gets our ErrorResponse
	// schema where Stytch declares none; a new property reusing one of our
	// components keeps that component's own differences (our date-time
	// formats). They belong in the accepted list, so that the drift watch
	// stays quiet about them. Required-ness is never accepted this way.
	Accept []Difference `json:"accept,omitempty"`
}

// Empty reports whether there is nothing to apply and nothing to decide.
func (p *Proposal) Empty() bool {
	return len(p.Additions) == 0 && len(p.Decisions) == 0 && len(p.Accept) == 0
}

// SyncUpstream compares our spec file (spec, YAML) with Stytch's published
// document as [CompareUpstream] does, ignoring the accepted differences, and
// applies the additions upstream (a new property, enum value, response
// status, or optional header or parameter) to the file, copying upstream's
// schema facts (type, format, enum, description, nullable) into our
// components with our names and $refs. Every other difference, and any that
// remains after the additions, is a [Decision]. The file is edited by
// inserting lines: everything it did not add stays byte for byte.
func SyncUpstream(spec []byte, upstream *openapi3.T, accepted []Difference) (*Proposal, error) {
	ours, err := api.Parse(spec)
	if err != nil {
		return nil, err
	}
	if !sharesAnOperation(ours, upstream) {
		return nil, fmt.Errorf("specdiff: the upstream document declares none of our operations (an empty file, or not Stytch's document?)")
	}
	doc, err := parseYAMLDoc(spec)
	if err != nil {
		return nil, err
	}
	ok := map[Difference]bool{}
	for _, d := range accepted {
		ok[d] = true
	}
	before := map[Difference]bool{}
	s := newSyncer(doc, ours)
	s.mapRefs(upstream)
	failed := map[Difference]string{}
	for _, d := range CompareUpstream(ours, upstream) {
		if ok[d] {
			continue
		}
		before[d] = true
		if err := s.apply(d, upstream); err != nil {
			failed[d] = err.Error()
		}
	}
	p := &Proposal{Spec: doc.bytes(), Additions: s.additions}
	after, err := api.Parse(p.Spec)
	if err != nil {
		return nil, fmt.Errorf("specdiff: the additions make an invalid spec (a bug; nothing written): %w", err)
	}
	for _, d := range CompareUpstream(after, upstream) {
		switch {
		case ok[d]:
		case !before[d] && d.Aspect != "required" && s.addedHere(d):
			p.Accept = append(p.Accept, d)
		default:
			why := failed[d]
			if why == "" {
				why = decisionWhy(d, before[d])
			}
			p.Decisions = append(p.Decisions, Decision{Difference: d, Why: why})
		}
	}
	return p, nil
}

// sharesAnOperation reports whether upstream declares at least one of our
// operations (path and method): without one, every difference would be the
// removal of everything, which says more about the file than about Stytch.
func sharesAnOperation(ours, upstream *openapi3.T) bool {
	if upstream.Paths == nil {
		return false
	}
	for _, path := range ours.Paths.InMatchingOrder() {
		if item := upstream.Paths.Value(path); item != nil {
			for m := range ours.Paths.Value(path).Operations() {
				if item.GetOperation(m) != nil {
					return true
				}
			}
		}
	}
	return false
}

// decisionWhy explains a difference sync leaves to a person.
func decisionWhy(d Difference, before bool) string {
	switch {
	case !before:
		return "follows from an addition: adopt it by hand or accept it"
	case d.Aspect == "presence" && d.Upstream == absent:
		return "removed upstream (or only ours): drop it, or accept the difference"
	case d.Aspect == "presence" && strings.HasPrefix(d.Where, "parameter "):
		return "a required parameter upstream: every call would have to send it"
	case d.Aspect == "required":
		return "required-ness differs: making a field required breaks callers"
	case d.Aspect == "enum":
		return "values only in our spec: removed upstream?"
	}
	return d.Aspect + " differs: adopt it by hand or accept the difference"
}

// syncer applies additions to one spec file.
type syncer struct {
	doc           *yamlDoc
	ours          *openapi3.T
	refs          map[string]string // upstream component $ref -> our $ref
	additions     []Addition
	properties    []Addition      // the additions that are new properties
	addedResponse map[string]bool // "METHOD path response NNN": true when it has our ErrorResponse body
	newSchemas    map[string]bool // components this run adds
}

func newSyncer(doc *yamlDoc, ours *openapi3.T) *syncer {
	return &syncer{doc: doc, ours: ours, refs: map[string]string{}, addedResponse: map[string]bool{}, newSchemas: map[string]bool{}}
}

func (s *syncer) add(op, where, ptr, what string) {
	s.additions = append(s.additions, Addition{Operation: op, Where: where, Pointer: ptr, What: what})
}

// addedHere reports whether d is one of our conventions inside something
// this run added: the ErrorResponse body of a response upstream declares
// without one, or a difference at or below a new property (a component of
// ours it reuses). Anything else an addition leaves behind (a value
// removed from an enum that also gained one, a media type not copied)
// stays a decision.
func (s *syncer) addedHere(d Difference) bool {
	if s.addedResponse[d.Operation+" "+d.Where] {
		return d.Pointer == "" && (d.Aspect == "schema" && d.Upstream == "none" || d.Aspect == "content-type" && d.Upstream == absent)
	}
	for _, a := range s.properties {
		if a.Operation == d.Operation && a.Where == d.Where &&
			(d.Pointer == a.Pointer || strings.HasPrefix(d.Pointer, a.Pointer+"/")) {
			return true
		}
	}
	return false
}

// apply writes the difference into the file when it is an addition; it does
// nothing for any other kind. An addition that fails leaves nothing behind
// (no component it had already inserted).
func (s *syncer) apply(d Difference, upstream *openapi3.T) error {
	ins, adds, props := len(s.doc.ins), len(s.additions), len(s.properties)
	added, refs, newSchemas := maps.Clone(s.doc.added), maps.Clone(s.refs), maps.Clone(s.newSchemas)
	err := s.applyAddition(d, upstream)
	if err != nil {
		s.doc.ins, s.additions, s.properties = s.doc.ins[:ins], s.additions[:adds], s.properties[:props]
		s.doc.added, s.refs, s.newSchemas = added, refs, newSchemas
	}
	return err
}

func (s *syncer) applyAddition(d Difference, upstream *openapi3.T) error {
	switch {
	case d.Aspect == "presence" && d.Ours == absent && strings.HasPrefix(d.Where, "parameter "):
		return s.addParameter(d, upstream)
	case d.Aspect == "presence" && d.Ours == absent && strings.HasPrefix(d.Where, "response ") && d.Pointer == "":
		return s.addUpstreamResponse(d, upstream)
	case d.Aspect == "presence" && d.Ours == absent && d.Pointer != "":
		return s.addUpstreamProperty(d, upstream)
	case d.Aspect == "enum":
		return s.addUpstreamEnum(d, upstream)
	}
	return nil
}

func (s *syncer) addUpstreamProperty(d Difference, upstream *openapi3.T) error {
	parentPtr, name := splitPointer(d.Pointer)
	root, err := kinBodySchema(upstream, d.Operation, d.Where)
	if err != nil {
		return err
	}
	parent := kinSchemaAt(root, parentPtr)
	if parent == nil || parent.Value == nil || parent.Value.Properties[name] == nil {
		return fmt.Errorf("upstream schema at %s not found", d.Pointer)
	}
	node, err := s.schemaNode(parent.Value.Properties[name])
	if err != nil {
		return err
	}
	return s.addProperty(d.Operation, d.Where, parentPtr, name, node, "property copied from upstream")
}

// addProperty adds the property name, with the schema node, to our schema
// at parentPtr of the body at where.
func (s *syncer) addProperty(op, where, parentPtr, name string, node *yaml.Node, what string) error {
	parent, err := s.yamlSchema(op, where, parentPtr)
	if err != nil {
		return err
	}
	props := value(parent, "properties")
	var added bool
	if props == nil {
		added, err = s.doc.addKey(parent, "properties", mapping(name, node))
	} else {
		added, err = s.doc.addKey(props, name, node)
	}
	if err != nil {
		return err
	}
	if added {
		s.add(op, where, joinPointer(parentPtr, name), what)
		s.properties = append(s.properties, s.additions[len(s.additions)-1])
	}
	return nil
}

func (s *syncer) addUpstreamEnum(d Difference, upstream *openapi3.T) error {
	root, err := kinBodySchema(upstream, d.Operation, d.Where)
	if err != nil {
		return err
	}
	theirs := kinSchemaAt(root, d.Pointer)
	ourRoot, err := kinBodySchema(s.ours, d.Operation, d.Where)
	if err != nil {
		return err
	}
	mine := kinSchemaAt(ourRoot, d.Pointer)
	if theirs == nil || theirs.Value == nil || mine == nil || mine.Value == nil || len(mine.Value.Enum) == 0 || len(theirs.Value.Enum) == 0 {
		return nil // an enum added or dropped as a whole: a decision
	}
	have := map[string]bool{}
	for _, v := range enumValues(mine.Value.Enum) {
		have[v] = true
	}
	var values []string
	for _, v := range theirs.Value.Enum {
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("only string enum values are added (upstream has %T)", v)
		}
		if !have[str] {
			values = append(values, str)
		}
	}
	return s.addEnumValues(d.Operation, d.Where, d.Pointer, values, "enum value copied from upstream")
}

// addEnumValues appends values to the enum of our schema at ptr.
func (s *syncer) addEnumValues(op, where, ptr string, values []string, what string) error {
	n, err := s.yamlSchema(op, where, ptr)
	if err != nil {
		return err
	}
	enum := value(n, "enum")
	if enum == nil {
		return fmt.Errorf("our schema at %s has no enum", orRoot(ptr))
	}
	for _, v := range values {
		id := fmt.Sprintf("enum %d:%d %s", enum.Line, enum.Column, v)
		if s.doc.added[id] {
			continue
		}
		s.doc.added[id] = true
		if err := s.doc.appendItem(enum, scalar(v)); err != nil {
			return err
		}
		s.add(op, where, ptr, what+": "+v)
	}
	return nil
}

func (s *syncer) addUpstreamResponse(d Difference, upstream *openapi3.T) error {
	status := strings.TrimPrefix(d.Where, "response ")
	op, err := kinOperation(upstream, d.Operation)
	if err != nil {
		return err
	}
	r := op.Responses.Value(status)
	if r == nil || r.Value == nil {
		return fmt.Errorf("upstream response %s not found", status)
	}
	desc := ""
	if r.Value.Description != nil {
		desc = *r.Value.Description
	}
	var schema *yaml.Node
	var mt string
	for _, t := range sortedKeys(r.Value.Content) {
		if m := r.Value.Content[t]; m != nil && m.Schema != nil {
			if schema, err = s.schemaNode(m.Schema); err != nil {
				return err
			}
			mt = t
			break
		}
	}
	return s.addResponse(d.Operation, status, desc, mt, schema, "response copied from upstream")
}

// addResponse adds a status to our operation. With a schema it is written
// in place; an error status without one gets our convention: a shared
// components/responses entry with the ErrorResponse schema.
func (s *syncer) addResponse(op, status, desc, mt string, schema *yaml.Node, what string) error {
	opNode, err := s.yamlOperation(op)
	if err != nil {
		return err
	}
	responses := value(opNode, "responses")
	if responses == nil {
		return fmt.Errorf("our operation %s has no responses", op)
	}
	if desc == "" {
		desc = http.StatusText(atoi(status))
	}
	var node *yaml.Node
	code := atoi(status)
	switch {
	case schema != nil:
		node = mapping("description", text(desc), "content", mapping(mt, mapping("schema", schema)))
	case code >= 400 && value(value(value(s.doc.root, "components"), "schemas"), "ErrorResponse") != nil:
		name := strings.ReplaceAll(http.StatusText(code), " ", "")
		if name == "" {
			name = "Status" + status
		}
		comps := value(value(s.doc.root, "components"), "responses")
		if comps == nil {
			return fmt.Errorf("our spec has no components.responses")
		}
		if _, err := s.doc.addKey(comps, name, mapping("description", text(desc), "content",
			mapping("application/json", mapping("schema", mapping("$ref", "#/components/schemas/ErrorResponse"))))); err != nil {
			return err
		}
		node = mapping("$ref", "#/components/responses/"+name)
		what += " (our ErrorResponse body)"
	default:
		node = mapping("description", text(desc))
	}
	added, err := s.doc.addKey(responses, status, node)
	if err != nil {
		return err
	}
	if added {
		s.addedResponse[op+" response "+status] = schema == nil
		s.add(op, "response "+status, "", what)
	}
	return nil
}

func (s *syncer) addParameter(d Difference, upstream *openapi3.T) error {
	in, name, _ := strings.Cut(strings.TrimPrefix(d.Where, "parameter "), " ")
	op, err := kinOperation(upstream, d.Operation)
	if err != nil {
		return err
	}
	var p *openapi3.Parameter
	for _, key := range sortedKeys(params(op)) {
		if key == in+" "+name {
			p = params(op)[key]
		}
	}
	if p == nil {
		return fmt.Errorf("upstream parameter %s %s not found", in, name)
	}
	if p.Required {
		return fmt.Errorf("a required parameter upstream: every call would have to send it")
	}
	goName := goParamName(p.Name)
	kv := []any{"name", p.Name}
	if in == openapi3.ParameterInHeader {
		kv = append(kv, "x-go-name", goName)
	}
	kv = append(kv, "in", p.In, "required", false)
	if p.Description != "" {
		kv = append(kv, "description", text(p.Description))
	}
	schema, err := s.schemaNode(p.Schema)
	if err != nil {
		return err
	}
	kv = append(kv, "schema", schema)
	comps := value(value(s.doc.root, "components"), "parameters")
	if comps == nil {
		return fmt.Errorf("our spec has no components.parameters")
	}
	if existing := value(comps, goName); existing != nil && value(existing, "name").Value != p.Name {
		return fmt.Errorf("our components.parameters.%s is another parameter", goName)
	}
	if _, err := s.doc.addKey(comps, goName, mapping(kv...)); err != nil {
		return err
	}
	opNode, err := s.yamlOperation(d.Operation)
	if err != nil {
		return err
	}
	list := value(opNode, "parameters")
	if list == nil {
		return fmt.Errorf("our operation %s has no parameters list", d.Operation)
	}
	if err := s.doc.appendItem(list, mapping("$ref", "#/components/parameters/"+goName)); err != nil {
		return err
	}
	s.add(d.Operation, d.Where, "", "optional "+in+" parameter copied from upstream")
	return nil
}

// goParamName turns X-Stytch-Member-Session into MemberSession, the name
// our spec gives the component and the generated Go field.
func goParamName(name string) string {
	for _, prefix := range []string{"X-Stytch-", "x-stytch-", "X-", "x-"} {
		name = strings.TrimPrefix(name, prefix)
	}
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
