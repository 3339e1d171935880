package specdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/jsonptr"
)

// Difference is one structural difference between an operation in our spec
// and the same path and method in the upstream spec.
type Difference struct {
	// Operation is "METHOD path".
	Operation string `json:"operation"`
	// Where is the part of the operation: "operation", "security",
	// "parameter header X-Stytch-Member-Session", "request body",
	// "response 200", "header Retry-After of response 429", ...
	Where string `json:"where"`
	// Pointer locates a field inside a body schema as a JSON pointer, array
	// items written as "*" (/connection/signing_certificates/*/created_at);
	// empty for the body itself or for non-body parts.
	Pointer string `json:"pointer,omitempty"`
	// Aspect is what differs: presence, type, format, enum, required,
	// nullable, additionalProperties, content-type, schema, body-required,
	// composition.
	Aspect string `json:"aspect"`
	// Ours and Upstream describe each side ("absent" when missing).
	Ours     string `json:"ours"`
	Upstream string `json:"upstream"`
}

const absent = "absent"

// LoadUpstream parses a published spec without validating it (api.Load
// with api.Unvalidated): upstream documents often carry quirks (siblings of
// $ref, examples that do not match) that must not stop a comparison.
func LoadUpstream(data []byte, name string) (*openapi3.T, error) {
	doc, _, err := api.Load(data, name, api.Unvalidated)
	return doc, err
}

// CompareUpstream compares every operation of ours with the same path and
// method in upstream, structurally: operationIds and component names are
// ignored and $refs followed, so that two specs written by different hands
// compare by what they accept and return. Only our paths count; upstream's
// other paths are ignored. Differences come in a stable order.
func CompareUpstream(ours, upstream *openapi3.T) []Difference {
	c := &comparer{}
	paths := ours.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		ourItem := ours.Paths.Value(path)
		var theirItem *openapi3.PathItem
		if upstream.Paths != nil {
			theirItem = upstream.Paths.Value(path)
		}
		methods := make([]string, 0, 2)
		for m := range ourItem.Operations() {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := m + " " + path
			ourOp := ourItem.GetOperation(m)
			var theirOp *openapi3.Operation
			if theirItem != nil {
				theirOp = theirItem.GetOperation(m)
			}
			if theirOp == nil {
				c.add(Difference{Operation: op, Where: "operation", Aspect: "presence", Ours: "declared", Upstream: absent})
				continue
			}
			c.operation(op, ours, upstream, ourOp, theirOp)
		}
	}
	return c.diffs
}

type comparer struct {
	diffs []Difference
}

func (c *comparer) add(d Difference) { c.diffs = append(c.diffs, d) }

func (c *comparer) operation(op string, ourDoc, theirDoc *openapi3.T, ours, theirs *openapi3.Operation) {
	if a, b := securityNames(ourDoc, ours), securityNames(theirDoc, theirs); a != b {
		c.add(Difference{Operation: op, Where: "security", Aspect: "schemes", Ours: a, Upstream: b})
	}

	ourParams, theirParams := params(ours), params(theirs)
	for _, key := range unionKeys(ourParams, theirParams) {
		where := "parameter " + key
		a, b := ourParams[key], theirParams[key]
		if !c.bothDeclared(op, where, a != nil, b != nil) {
			continue
		}
		if a.Required != b.Required {
			c.add(Difference{Operation: op, Where: where, Aspect: "required", Ours: requiredWord(a.Required), Upstream: requiredWord(b.Required)})
		}
		c.schema(op, where, "", schemaOf(a.Schema), schemaOf(b.Schema), map[[2]*openapi3.Schema]bool{})
	}

	c.requestBody(op, ours.RequestBody, theirs.RequestBody)

	ourResp, theirResp := responses(ours), responses(theirs)
	for _, status := range unionKeys(ourResp, theirResp) {
		where := "response " + status
		a, b := ourResp[status], theirResp[status]
		if c.bothDeclared(op, where, a != nil, b != nil) {
			c.content(op, where, a.Content, b.Content)
			c.headers(op, where, a.Headers, b.Headers)
		}
	}
}

// headers compares the headers of a response (at where, "response NNN"),
// by canonical name: each is "header NAME of response NNN".
func (c *comparer) headers(op, where string, a, b openapi3.Headers) {
	canon := func(h openapi3.Headers) map[string]*openapi3.Header {
		out := map[string]*openapi3.Header{}
		for name, ref := range h {
			if ref != nil && ref.Value != nil {
				out[http.CanonicalHeaderKey(name)] = ref.Value
			}
		}
		return out
	}
	ha, hb := canon(a), canon(b)
	for _, name := range unionKeys(ha, hb) {
		w := "header " + name + " of " + where
		if c.bothDeclared(op, w, ha[name] != nil, hb[name] != nil) {
			c.schema(op, w, "", schemaOf(ha[name].Schema), schemaOf(hb[name].Schema), map[[2]*openapi3.Schema]bool{})
		}
	}
}

// bothDeclared records a presence Difference at where when only one side
// declares it, and reports whether both do.
func (c *comparer) bothDeclared(op, where string, ours, theirs bool) bool {
	switch {
	case !ours:
		c.add(Difference{Operation: op, Where: where, Aspect: "presence", Ours: absent, Upstream: "declared"})
	case !theirs:
		c.add(Difference{Operation: op, Where: where, Aspect: "presence", Ours: "declared", Upstream: absent})
	default:
		return true
	}
	return false
}

func (c *comparer) requestBody(op string, a, b *openapi3.RequestBodyRef) {
	const where = "request body"
	var ab, bb *openapi3.RequestBody
	if a != nil {
		ab = a.Value
	}
	if b != nil {
		bb = b.Value
	}
	if ab == nil && bb == nil || !c.bothDeclared(op, where, ab != nil, bb != nil) {
		return
	}
	if ab.Required != bb.Required {
		c.add(Difference{Operation: op, Where: where, Aspect: "body-required", Ours: requiredWord(ab.Required), Upstream: requiredWord(bb.Required)})
	}
	c.content(op, where, ab.Content, bb.Content)
}

func (c *comparer) content(op, where string, a, b openapi3.Content) {
	for _, mt := range unionKeys(a, b) {
		ma, mb := a[mt], b[mt]
		w := where
		if len(a) > 1 || len(b) > 1 {
			w = where + " " + mt
		}
		switch {
		case ma == nil:
			c.add(Difference{Operation: op, Where: where, Aspect: "content-type", Ours: absent, Upstream: mt})
		case mb == nil:
			c.add(Difference{Operation: op, Where: where, Aspect: "content-type", Ours: mt, Upstream: absent})
		default:
			sa, sb := schemaOf(ma.Schema), schemaOf(mb.Schema)
			switch {
			case sa == nil && sb == nil:
			case sa == nil:
				c.add(Difference{Operation: op, Where: w, Aspect: "schema", Ours: "none", Upstream: describe(sb)})
			case sb == nil:
				c.add(Difference{Operation: op, Where: w, Aspect: "schema", Ours: describe(sa), Upstream: "none"})
			default:
				c.schema(op, w, "", sa, sb, map[[2]*openapi3.Schema]bool{})
			}
		}
	}
}

// schema compares two schemas at ptr, recursing into properties, items and
// compositions. seen stops recursive schemas.
func (c *comparer) schema(op, where, ptr string, a, b *openapi3.Schema, seen map[[2]*openapi3.Schema]bool) {
	if a == nil || b == nil {
		if a != b {
			c.add(Difference{Operation: op, Where: where, Pointer: ptr, Aspect: "schema", Ours: describe(a), Upstream: describe(b)})
		}
		return
	}
	key := [2]*openapi3.Schema{a, b}
	if seen[key] {
		return
	}
	seen[key] = true
	defer delete(seen, key)

	d := func(aspect, ours, upstream string) {
		if ours != upstream {
			c.add(Difference{Operation: op, Where: where, Pointer: ptr, Aspect: aspect, Ours: ours, Upstream: upstream})
		}
	}
	d("type", typeString(a), typeString(b))
	d("format", orNone(a.Format), orNone(b.Format))
	d("nullable", fmt.Sprint(a.Nullable), fmt.Sprint(b.Nullable))
	d("additionalProperties", additional(a), additional(b))
	constraintDiffs(a, b, d)
	if ea, eb := enumValues(a.Enum), enumValues(b.Enum); !slices.Equal(ea, eb) {
		onlyA, onlyB := setDiff(ea, eb), setDiff(eb, ea)
		d("enum", enumDesc(ea, onlyA), enumDesc(eb, onlyB))
	}

	names := unionSorted(unionKeys(a.Properties, b.Properties), unionSorted(a.Required, b.Required))
	for _, name := range names {
		pa, pb := schemaOf(a.Properties[name]), schemaOf(b.Properties[name])
		ra, rb := slices.Contains(a.Required, name), slices.Contains(b.Required, name)
		p := ptr + "/" + jsonptr.Escape(name)
		switch {
		case pa == nil && pb == nil:
			if ra != rb {
				c.add(Difference{Operation: op, Where: where, Pointer: p, Aspect: "required", Ours: requiredWord(ra), Upstream: requiredWord(rb)})
			}
		case pa == nil:
			c.add(Difference{Operation: op, Where: where, Pointer: p, Aspect: "presence", Ours: absent, Upstream: describeField(pb, rb)})
		case pb == nil:
			c.add(Difference{Operation: op, Where: where, Pointer: p, Aspect: "presence", Ours: describeField(pa, ra), Upstream: absent})
		default:
			if ra != rb {
				c.add(Difference{Operation: op, Where: where, Pointer: p, Aspect: "required", Ours: requiredWord(ra), Upstream: requiredWord(rb)})
			}
			c.schema(op, where, p, pa, pb, seen)
		}
	}
	if ia, ib := schemaOf(a.Items), schemaOf(b.Items); ia != nil || ib != nil {
		c.schema(op, where, ptr+"/*", ia, ib, seen)
	}
	if aa, ab := schemaOf(a.AdditionalProperties.Schema), schemaOf(b.AdditionalProperties.Schema); aa != nil && ab != nil {
		c.schema(op, where, ptr+"/{key}", aa, ab, seen)
	}
	for _, comp := range []struct {
		name string
		a, b openapi3.SchemaRefs
	}{{"allOf", a.AllOf, b.AllOf}, {"oneOf", a.OneOf, b.OneOf}, {"anyOf", a.AnyOf, b.AnyOf}} {
		if len(comp.a) != len(comp.b) {
			d("composition", fmt.Sprintf("%s of %d", comp.name, len(comp.a)), fmt.Sprintf("%s of %d", comp.name, len(comp.b)))
			continue
		}
		for i := range comp.a {
			c.schema(op, where, fmt.Sprintf("%s(%s[%d])", ptr, comp.name, i), schemaOf(comp.a[i]), schemaOf(comp.b[i]), seen)
		}
	}
}

func schemaOf(r *openapi3.SchemaRef) *openapi3.Schema {
	if r == nil {
		return nil
	}
	return r.Value
}

func params(op *openapi3.Operation) map[string]*openapi3.Parameter {
	out := map[string]*openapi3.Parameter{}
	for _, p := range op.Parameters {
		if p == nil || p.Value == nil {
			continue
		}
		name := p.Value.Name
		if p.Value.In == openapi3.ParameterInHeader {
			name = http.CanonicalHeaderKey(name)
		}
		out[p.Value.In+" "+name] = p.Value
	}
	return out
}

func responses(op *openapi3.Operation) map[string]*openapi3.Response {
	out := map[string]*openapi3.Response{}
	if op.Responses == nil {
		return out
	}
	for status, r := range op.Responses.Map() {
		if r != nil && r.Value != nil {
			out[status] = r.Value
		}
	}
	return out
}

func securityNames(doc *openapi3.T, op *openapi3.Operation) string {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var alts []string
	for _, req := range reqs {
		names := make([]string, 0, len(req))
		for n := range req {
			names = append(names, n)
		}
		sort.Strings(names)
		alts = append(alts, strings.Join(names, "+"))
	}
	sort.Strings(alts)
	if len(alts) == 0 {
		return "none"
	}
	return strings.Join(alts, " or ")
}

func typeString(s *openapi3.Schema) string {
	if s.Type == nil || len(*s.Type) == 0 {
		if len(s.Properties) > 0 {
			return "(unset, has properties)"
		}
		return "(unset)"
	}
	return strings.Join(s.Type.Slice(), "|")
}

func describe(s *openapi3.Schema) string {
	if s == nil {
		return "none"
	}
	t := typeString(s)
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	return t
}

func describeField(s *openapi3.Schema, required bool) string {
	return describe(s) + ", " + requiredWord(required)
}

func additional(s *openapi3.Schema) string {
	switch {
	case s.AdditionalProperties.Schema != nil:
		return "schema"
	case s.AdditionalProperties.Has != nil:
		return fmt.Sprint(*s.AdditionalProperties.Has)
	}
	return "unset"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func requiredWord(b bool) string {
	if b {
		return "required"
	}
	return "optional"
}

func enumValues(vs []any) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte(fmt.Sprint(v))
		}
		out = append(out, strings.Trim(string(b), `"`))
	}
	sort.Strings(out)
	return out
}

func enumDesc(all, only []string) string {
	switch {
	case all == nil:
		return "none"
	case len(only) == 0:
		return fmt.Sprintf("%d values", len(all))
	}
	return fmt.Sprintf("%d values, only here: %s", len(all), strings.Join(only, ", "))
}

func setDiff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func unionSorted(a, b []string) []string {
	out := append(append([]string(nil), a...), b...)
	sort.Strings(out)
	return slices.Compact(out)
}

func unionKeys[V any](a, b map[string]V) []string {
	out := make([]string, 0, len(a)+len(b))
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// WriteUpstreamText renders differences grouped by operation, one per line
// in aligned columns, with a summary line.
func WriteUpstreamText(w io.Writer, diffs []Difference) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	last := ""
	for _, d := range diffs {
		if d.Operation != last {
			if last != "" {
				fmt.Fprintln(tw)
			}
			fmt.Fprintln(tw, d.Operation)
			fmt.Fprintln(tw, "  WHERE\tFIELD\tWHAT\tOURS\tUPSTREAM")
			last = d.Operation
		}
		ptr := d.Pointer
		if ptr == "" {
			ptr = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", d.Where, ptr, d.Aspect, d.Ours, d.Upstream)
	}
	if len(diffs) > 0 {
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "%d difference(s) from upstream\n", len(diffs))
	return tw.Flush()
}
