package coverage

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stytchsso/stytchsso/internal/jsonptr"
	"github.com/stytchsso/stytchsso/pkg/contract"
)

// Tracker says which operations, statuses and body fields a set of pairs
// exercises, against all that the spec declares. Build it with
// [New], feed it with Add (each pair with the route its validator gave
// it), read it with Report.
type Tracker struct {
	ops    map[string]*opCoverage // by the validator's operation name, escaped as in contract.Route
	order  []string
	pairs  int
	unrout int
}

type opCoverage struct {
	id, method, path string
	pairs            int
	statuses         map[string]int // declared key -> exercised count
	extraStatuses    map[string]int // undeclared statuses seen
	request          *fieldSet
	responses        map[string]*fieldSet // by declared status key
	op               *openapi3.Operation
}

// fieldSet holds the declared fields of one body schema and how often each
// (and each undeclared one) was seen.
type fieldSet struct {
	schema   *openapi3.Schema
	declared map[string]bool // pointer -> is a free-form map
	seen     map[string]int
}

// New prepares coverage of the operations of v's spec, naming operations
// as v does (an operationId, or "METHOD template" where
// the spec gives none or repeats one).
func New(v *contract.Validator) *Tracker {
	doc := v.Document()
	c := &Tracker{ops: map[string]*opCoverage{}}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		methods := make([]string, 0, 1)
		for m := range item.Operations() {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := item.GetOperation(m)
			id, ok := v.OperationName(m, path)
			if !ok {
				id = m + " " + path
			}
			oc := &opCoverage{id: id, method: m, path: path, op: op,
				statuses: map[string]int{}, extraStatuses: map[string]int{}, responses: map[string]*fieldSet{}}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				oc.request = newFieldSet(jsonSchema(op.RequestBody.Value.Content))
			}
			if op.Responses != nil {
				for status, r := range op.Responses.Map() {
					oc.statuses[status] = 0
					if r.Value != nil {
						oc.responses[status] = newFieldSet(jsonSchema(r.Value.Content))
					}
				}
			}
			c.ops[contract.Escape(id)] = oc
			c.order = append(c.order, contract.Escape(id))
		}
	}
	return c
}

func jsonSchema(content openapi3.Content) *openapi3.Schema {
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mt, _, err := mime.ParseMediaType(k)
		if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) && content[k].Schema != nil {
			return content[k].Schema.Value
		}
	}
	return nil
}

func newFieldSet(s *openapi3.Schema) *fieldSet {
	fs := &fieldSet{schema: s, declared: map[string]bool{}, seen: map[string]int{}}
	declare(fs.declared, s, "", map[*openapi3.Schema]bool{})
	return fs
}

// declare lists every property pointer under s, array items as "*";
// free-form maps are leaves.
func declare(out map[string]bool, s *openapi3.Schema, ptr string, onPath map[*openapi3.Schema]bool) {
	if s == nil || onPath[s] {
		return
	}
	onPath[s] = true
	defer delete(onPath, s)
	for name, p := range s.Properties {
		if p == nil || p.Value == nil {
			continue
		}
		child := ptr + "/" + jsonptr.Escape(name)
		out[child] = freeForm(p.Value)
		declare(out, p.Value, child, onPath)
	}
	if s.Items != nil {
		declare(out, s.Items.Value, ptr+"/*", onPath)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range group {
			if r != nil {
				declare(out, r.Value, ptr, onPath)
			}
		}
	}
}

func freeForm(s *openapi3.Schema) bool {
	return len(s.Properties) == 0 && (s.AdditionalProperties.Schema != nil ||
		(s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has))
}

// observe records the pointers of a decoded JSON value: declared ones
// (stopping at free-form maps) and undeclared ones (not descending).
func (fs *fieldSet) observe(v any, ptr string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := ptr + "/" + jsonptr.Escape(k)
			ff, ok := fs.declared[p]
			fs.seen[p]++
			if ok && !ff {
				fs.observe(child, p)
			}
		}
	case []any:
		for _, child := range x {
			fs.observe(child, ptr+"/*")
		}
	}
}

// Add counts one pair, routed to r by the Tracker's validator
// ([contract.Validator.Route], or the Route of [contract.Validator.Check]'s
// result): the pair is routed once, whoever reads it. Pairs that reach no
// operation are counted apart.
func (c *Tracker) Add(p *contract.Pair, r contract.Route) {
	c.pairs++
	oc := c.ops[r.Operation]
	if r.Operation == "" || oc == nil {
		c.unrout++
		return
	}
	oc.pairs++
	if oc.request != nil {
		observeBody(oc.request, p.RequestHeader, p.RequestBody)
	}
	key := statusKey(oc.statuses, p.StatusCode)
	if key == "" {
		oc.extraStatuses[strconv.Itoa(p.StatusCode)]++
		return
	}
	oc.statuses[key]++
	if fs := oc.responses[key]; fs != nil {
		observeBody(fs, p.ResponseHeader, p.ResponseBody)
	}
}

func observeBody(fs *fieldSet, h http.Header, body []byte) {
	if len(body) == 0 {
		return
	}
	if ct := h.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			return
		}
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	fs.observe(v, "")
}

// statusKey finds the declared response key for status: exact, then range
// (4XX), then default.
func statusKey(declared map[string]int, status int) string {
	s := strconv.Itoa(status)
	if _, ok := declared[s]; ok {
		return s
	}
	if r := s[:1] + "XX"; len(s) == 3 {
		if _, ok := declared[r]; ok {
			return r
		}
	}
	if _, ok := declared["default"]; ok {
		return "default"
	}
	return ""
}

// Report is the coverage of every operation, ready to render.
type Report struct {
	Pairs           int         `json:"pairs"`
	UnmatchedPairs  int         `json:"unmatched_pairs"`
	Operations      []Operation `json:"operations"`
	StatusPercent   float64     `json:"status_percent"`
	RequestPercent  float64     `json:"request_field_percent"`
	ResponsePercent float64     `json:"response_field_percent"`
}

// Operation is the coverage of one operation.
type Operation struct {
	OperationID string `json:"operation_id"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Pairs       int    `json:"pairs"`
	// Statuses lists declared statuses, then undeclared ones seen.
	Statuses []Count `json:"statuses"`
	// RequestFields and ResponseFields list declared fields, then
	// undeclared ones seen. Response pointers start with the status key:
	// "200 /connection/acs_url".
	RequestFields  []Count `json:"request_fields"`
	ResponseFields []Count `json:"response_fields"`
	// How many declared statuses and fields were exercised, of how many,
	// and the percentage.
	StatusesCovered  int     `json:"statuses_covered"`
	StatusesDeclared int     `json:"statuses_declared"`
	RequestCovered   int     `json:"request_fields_covered"`
	RequestDeclared  int     `json:"request_fields_declared"`
	ResponseCovered  int     `json:"response_fields_covered"`
	ResponseDeclared int     `json:"response_fields_declared"`
	StatusPercent    float64 `json:"status_percent"`
	RequestPercent   float64 `json:"request_field_percent"`
	ResponsePercent  float64 `json:"response_field_percent"`
}

// Count is one status or field: whether the spec declares it and how many
// times the pairs exercised it.
type Count struct {
	Name      string `json:"name"`
	Declared  bool   `json:"declared"`
	Exercised int    `json:"exercised"`
}

func percent(n, d int) float64 {
	if d == 0 {
		return 100
	}
	return math.Round(float64(n)*1000/float64(d)) / 10
}

func counts(declared map[string]bool, seen map[string]int, prefix string) []Count {
	var out []Count
	names := make([]string, 0, len(declared))
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, Count{prefix + n, true, seen[n]})
	}
	extra := make([]string, 0)
	for n := range seen {
		if _, ok := declared[n]; !ok {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		out = append(out, Count{prefix + n, false, seen[n]})
	}
	return out
}

func tally(cs []Count) (covered, declared int) {
	for _, c := range cs {
		if c.Declared {
			declared++
			if c.Exercised > 0 {
				covered++
			}
		}
	}
	return covered, declared
}

// Report computes the coverage of what was added so far.
func (c *Tracker) Report() *Report {
	r := &Report{Pairs: c.pairs, UnmatchedPairs: c.unrout, Operations: []Operation{}}
	var sc, sd, rqc, rqd, rsc, rsd int
	for _, id := range c.order {
		oc := c.ops[id]
		o := Operation{OperationID: oc.id, Method: oc.method, Path: oc.path, Pairs: oc.pairs}
		decl := map[string]bool{}
		seen := map[string]int{}
		for k, n := range oc.statuses {
			decl[k] = false
			seen[k] = n
		}
		for k, n := range oc.extraStatuses {
			seen[k] = n
		}
		o.Statuses = counts(decl, seen, "")
		if oc.request != nil {
			o.RequestFields = counts(oc.request.declared, oc.request.seen, "")
		}
		keys := make([]string, 0, len(oc.responses))
		for k := range oc.responses {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fs := oc.responses[k]
			o.ResponseFields = append(o.ResponseFields, counts(fs.declared, fs.seen, k+" ")...)
		}
		o.StatusesCovered, o.StatusesDeclared = tally(o.Statuses)
		o.RequestCovered, o.RequestDeclared = tally(o.RequestFields)
		o.ResponseCovered, o.ResponseDeclared = tally(o.ResponseFields)
		o.StatusPercent = percent(o.StatusesCovered, o.StatusesDeclared)
		o.RequestPercent = percent(o.RequestCovered, o.RequestDeclared)
		o.ResponsePercent = percent(o.ResponseCovered, o.ResponseDeclared)
		sc, sd = sc+o.StatusesCovered, sd+o.StatusesDeclared
		rqc, rqd = rqc+o.RequestCovered, rqd+o.RequestDeclared
		rsc, rsd = rsc+o.ResponseCovered, rsd+o.ResponseDeclared
		r.Operations = append(r.Operations, o)
	}
	r.StatusPercent, r.RequestPercent, r.ResponsePercent = percent(sc, sd), percent(rqc, rqd), percent(rsc, rsd)
	return r
}

// WriteText renders a summary table, then per operation what is declared
// but never exercised and what is exercised but not declared.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tPAIRS\tSTATUSES\tREQUEST FIELDS\tRESPONSE FIELDS")
	ratio := func(n, d int, p float64) string { return fmt.Sprintf("%d/%d (%.1f%%)", n, d, p) }
	for _, o := range r.Operations {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", o.OperationID, o.Pairs,
			ratio(o.StatusesCovered, o.StatusesDeclared, o.StatusPercent),
			ratio(o.RequestCovered, o.RequestDeclared, o.RequestPercent),
			ratio(o.ResponseCovered, o.ResponseDeclared, o.ResponsePercent))
	}
	fmt.Fprintf(tw, "total\t%d\t%.1f%%\t%.1f%%\t%.1f%%\n", r.Pairs-r.UnmatchedPairs, r.StatusPercent, r.RequestPercent, r.ResponsePercent)
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.UnmatchedPairs > 0 {
		fmt.Fprintf(w, "%d pair(s) matched no operation\n", r.UnmatchedPairs)
	}
	for _, o := range r.Operations {
		var missing, extra []string
		unexercised := map[string]bool{}
		for _, c := range o.Statuses {
			unexercised[c.Name] = c.Declared && c.Exercised == 0
		}
		folded := map[string]int{}
		for _, group := range []struct {
			label string
			cs    []Count
		}{{"status", o.Statuses}, {"request", o.RequestFields}, {"response", o.ResponseFields}} {
			for _, c := range group.cs {
				switch {
				case c.Declared && c.Exercised == 0 && group.label == "response" && unexercised[strings.SplitN(c.Name, " ", 2)[0]]:
					// Fields of a status never seen: one line per status.
					folded[strings.SplitN(c.Name, " ", 2)[0]]++
				case c.Declared && c.Exercised == 0:
					missing = append(missing, group.label+" "+c.Name)
				case !c.Declared:
					extra = append(extra, fmt.Sprintf("%s %s (%d)", group.label, c.Name, c.Exercised))
				}
			}
		}
		for _, c := range o.Statuses {
			if n := folded[c.Name]; n > 0 {
				missing = append(missing, fmt.Sprintf("response %s (all %d fields: status never exercised)", c.Name, n))
			}
		}
		if len(missing) == 0 && len(extra) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s %s %s\n", o.OperationID, o.Method, o.Path)
		if len(missing) > 0 {
			fmt.Fprintln(w, "  declared, never exercised:")
			for _, m := range missing {
				fmt.Fprintln(w, "    "+m)
			}
		}
		if len(extra) > 0 {
			fmt.Fprintln(w, "  exercised, not declared:")
			for _, e := range extra {
				fmt.Fprintln(w, "    "+e)
			}
		}
	}
	return nil
}
