package contract

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/stytchsso/stytchsso/api"
)

// Option configures a Validator. Options check their own input; New rejects
// conflicts, so their order never matters.
type Option func(*config) error

type config struct {
	doc      *openapi3.T
	strict   bool
	compiled bool
	formats  map[string]openapi3.StringFormatValidator
	scope    []scopeEntry
}

// WithDocument validates against doc instead of the embedded spec (for
// example a file loaded with [LoadSpec], which accepts documents such as
// Stytch's published one that kin-openapi's validation refuses for
// duplicate operationIds). The validator only reads doc. Where operationIds
// are missing or collide, operations are named "METHOD template".
func WithDocument(doc *openapi3.T) Option {
	return func(c *config) error {
		if doc == nil {
			return errors.New("contract: WithDocument: nil document")
		}
		if doc.Paths == nil || doc.Paths.Len() == 0 {
			return errors.New("contract: WithDocument: the document has no paths")
		}
		c.doc = doc
		return nil
	}
}

// WithStrict turns strict mode on: undocumented fields, statuses only
// covered by a default response, undeclared content types and operations
// missing from the spec all become violations, and every invariant runs.
func WithStrict(strict bool) Option {
	return func(c *config) error {
		c.strict = strict
		return nil
	}
}

// WithCompiledBodies chooses how JSON bodies are checked. On (the default),
// bodies whose schemas use only the keywords the validator compiles are
// checked in one pass over their bytes; kin-openapi still checks parameters,
// security, status and headers, and every body whose schema needs more. Off,
// kin-openapi's ValidateRequest and ValidateResponse check every body too:
// slower, and the reference the compiled path is tested against.
func WithCompiledBodies(on bool) Option {
	return func(c *config) error {
		c.compiled = on
		return nil
	}
}

// WithStringFormat registers a check for a string format the spec uses and
// the validator does not know. fn's error must not quote the value.
func WithStringFormat(name string, fn func(string) error) Option {
	return func(c *config) error {
		if name == "" || fn == nil {
			return errors.New("contract: WithStringFormat: empty name or nil function")
		}
		if c.formats == nil {
			c.formats = map[string]openapi3.StringFormatValidator{}
		}
		c.formats[name] = openapi3.NewCallbackValidator(fn)
		return nil
	}
}

// Validator checks request/response pairs against one OpenAPI document. It
// is safe for concurrent use; build it once and share it.
type Validator struct {
	doc     *openapi3.T
	strict  bool
	formats *formatSet
	paths   []*pathTemplate
	byID    map[string]*operation
	capture *trie
	scope   []scopeEntry
	hosts   map[string]bool // the spec's server hosts, lower case

	// kin-openapi options: [request body by kin][response body by kin].
	optsReq  [2]openapi3filter.Options
	optsResp [2]openapi3filter.Options

	pool sync.Pool // *state
	// names maps "METHOD template" to the operation's name (OperationName).
	names map[string]string
}

// pathTemplate is one path of the spec, split into segments, with the
// operations declared on it by method.
type pathTemplate struct {
	template string
	segs     []string // literal segment, or "" for a parameter
	params   []string // parameter name per segment ("" for literals)
	ops      map[string]*operation
}

type operation struct {
	id       string
	method   string
	template string
	// key is "METHOD template" with the parameters' names left out
	// ("PUT /v1/b2b/sso/saml/{}/connections/{}"): what invariants are keyed
	// by, whatever a spec names its operations and parameters.
	key string
	// statuses lists the declared response statuses, for messages.
	statuses string
	op       *openapi3.Operation
	kin      *routers.Route
	// bodies compiled from this operation's schemas
	nodes map[*openapi3.Schema]*node
	// reqFull / respFull: every body schema of that side is fully compiled.
	reqFull  bool
	respFull bool
}

// state is the scratch space of one Validate call, pooled per Validator.
type state struct {
	w      walker
	params map[string]string
}

// New builds a Validator, by default for the embedded spec (api.Document,
// parsed once per process). It compiles the routes, the formats the spec
// uses and the body schemas once, here.
func New(opts ...Option) (*Validator, error) {
	c := &config{compiled: true}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("contract: New: nil option")
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.doc == nil {
		doc, err := api.Document()
		if err != nil {
			return nil, fmt.Errorf("contract: load embedded spec: %w", err)
		}
		c.doc = doc
	}
	fs, err := newFormatSet(c.doc, c.formats)
	if err != nil {
		return nil, err
	}
	v := &Validator{doc: c.doc, strict: c.strict, formats: fs, byID: map[string]*operation{}, names: map[string]string{}, capture: newTrie(invariantPointers()), scope: c.scope}
	var servers []string
	for _, s := range c.doc.Servers {
		if s != nil {
			servers = append(servers, s.URL)
		}
	}
	v.hosts = serverHosts(servers)
	idCount := operationIDCounts(c.doc)
	v.pool.New = func() any { return &state{params: map[string]string{}} }

	schemaOpts := fs.schemaOptions()
	for i := range 2 {
		for _, o := range []*openapi3filter.Options{&v.optsReq[i], &v.optsResp[i]} {
			o.MultiError = true
			o.SkipSettingDefaults = true
			o.IncludeResponseStatus = true
			o.AuthenticationFunc = authenticate
			o.SchemaValidationOptions = schemaOpts
		}
		v.optsReq[i].ExcludeRequestBody = i == 0
		v.optsResp[i].ExcludeResponseBody = i == 0
		v.optsResp[i].ExcludeRequestBody = true
	}

	comp := &compiler{formats: fs, memo: map[*openapi3.Schema]*node{}}
	templates := c.doc.Paths.InMatchingOrder()
	for _, tmpl := range templates {
		item := c.doc.Paths.Value(tmpl)
		r := &pathTemplate{template: tmpl, ops: map[string]*operation{}}
		for _, part := range strings.Split(strings.TrimPrefix(tmpl, "/"), "/") {
			if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
				r.segs = append(r.segs, "")
				r.params = append(r.params, part[1:len(part)-1])
			} else {
				r.segs = append(r.segs, normalizePath(part))
				r.params = append(r.params, "")
			}
		}
		for method, op := range item.Operations() {
			o := &operation{
				id: op.OperationID, method: method, template: tmpl, op: op,
				kin:   &routers.Route{Spec: c.doc, Path: tmpl, PathItem: item, Method: method, Operation: op},
				nodes: map[*openapi3.Schema]*node{},
			}
			if o.id == "" || idCount[o.id] > 1 {
				o.id = method + " " + tmpl
			}
			v.names[method+" "+tmpl] = o.id
			o.key = operationKey(method, tmpl)
			o.statuses = declaredStatuses(op)
			o.reqFull, o.respFull = true, true
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					if mt != nil && mt.Schema != nil {
						n := comp.compile(mt.Schema)
						o.nodes[mt.Schema.Value] = n
						o.reqFull = o.reqFull && c.compiled && fullyCompiled(n)
					}
				}
			}
			if op.Responses != nil {
				for _, rr := range op.Responses.Map() {
					if rr == nil || rr.Value == nil {
						continue
					}
					for _, mt := range rr.Value.Content {
						if mt != nil && mt.Schema != nil {
							n := comp.compile(mt.Schema)
							o.nodes[mt.Schema.Value] = n
							o.respFull = o.respFull && c.compiled && fullyCompiled(n)
						}
					}
				}
			}
			r.ops[method] = o
			v.byID[o.id] = o
		}
		v.paths = append(v.paths, r)
	}
	return v, nil
}

// operationIDCounts counts how many operations use each operationId.
func operationIDCounts(doc *openapi3.T) map[string]int {
	n := map[string]int{}
	for _, item := range doc.Paths.Map() {
		if item == nil {
			continue
		}
		for _, op := range item.Operations() {
			if op != nil && op.OperationID != "" {
				n[op.OperationID]++
			}
		}
	}
	return n
}

// operationKey is "METHOD template" with parameter names dropped.
func operationKey(method, tmpl string) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(method))
	b.WriteByte(' ')
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		b.WriteByte(c)
		if c == '{' {
			if j := strings.IndexByte(tmpl[i:], '}'); j > 0 {
				i += j - 1
			}
		}
	}
	return b.String()
}

// declaredStatuses lists an operation's response statuses, sorted
// ("200, 400, default").
func declaredStatuses(op *openapi3.Operation) string {
	if op.Responses == nil {
		return ""
	}
	keys := make([]string, 0, op.Responses.Len())
	for k := range op.Responses.Map() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// Document returns the spec the validator checks against. It is shared:
// treat it as read-only.
func (v *Validator) Document() *openapi3.T { return v.doc }

// OperationName returns the name the validator gives the operation at
// method and path template (as the spec spells them): its operationId, or
// "METHOD template" when the spec gives none or gives the same one to
// several operations. ok is false when the spec has no such operation.
func (v *Validator) OperationName(method, template string) (name string, ok bool) {
	name, ok = v.names[strings.ToUpper(method)+" "+template]
	return name, ok
}

// match is what [Validator.find] makes of a method and URL.
type match struct {
	op *operation // nil when the method and path reach no operation
	u  *url.URL   // nil when the URL does not parse
	// path is the escaped path, as in the request, without query; norm is
	// path with percent-encoded unreserved characters decoded and other
	// escapes in upper case (RFC 3986, 6.2.2), what routing compares.
	path, norm string
	// template is the first path template the path matches whatever the
	// method ("" when none); nearMiss the first one it matches once its
	// empty and dot segments are dropped or resolved, when it matches none
	// as written.
	template, nearMiss string
}

// find routes a method and URL. params, when not nil, receives the path
// parameters of the operation reached.
func (v *Validator) find(method, rawURL string, params map[string]string) match {
	u, err := parseURL(rawURL)
	if err != nil {
		return match{}
	}
	m := match{u: u, path: escapedPath(u)}
	m.norm = normalizePath(m.path)
	m.op, m.template = v.lookup(strings.ToUpper(method), splitPath(m.norm), params, false)
	if m.template == "" {
		for _, alt := range nearMissCandidates(m.norm) {
			if _, t := v.lookup("", alt, nil, true); t != "" {
				m.nearMiss = t
				break
			}
		}
	}
	return m
}

// mayBeNearMiss is a quick test that a normalized path has none of what
// makes a near miss (see [nearMissCandidates]): it is true for every one
// that has, and for a few others.
func mayBeNearMiss(norm string) bool {
	return strings.HasSuffix(norm, "/") || strings.Contains(norm, "//") || strings.Contains(norm, "/.") ||
		strings.HasPrefix(norm, ".") || strings.Contains(norm, "%2F") || strings.Contains(norm, "%5C") || strings.Contains(norm, ";")
}

// dropSegmentParams removes from each segment of p what follows a ";" in
// it (RFC 3986, 3.3: "/name;v=1.1/").
func dropSegmentParams(p string) string {
	if !strings.Contains(p, ";") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != ';' {
			b.WriteByte(p[i])
			continue
		}
		j := strings.IndexByte(p[i:], '/')
		if j < 0 {
			break
		}
		i += j - 1
	}
	return b.String()
}

// parseURL parses a request URL as url.Parse does, and also one whose
// host holds a percent-encoded unreserved character ("%74est.stytch.com"),
// which RFC 3986 (6.2.2.2) makes the same host and url.Parse refuses.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err == nil {
		return u, nil
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, err
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	hostport := auth[strings.LastIndexByte(auth, '@')+1:]
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.Contains(hostport[i:], "]") && strings.Contains(hostport[i:], "%") {
		return nil, err // a port is digits only
	}
	host := normalizePath(auth) // decodes unreserved characters only
	if host == auth {
		return nil, err
	}
	u, err2 := url.Parse(scheme + "://" + host + rest[end:])
	if err2 != nil {
		return nil, err
	}
	return u, nil
}

// splitPath splits a path into its segments, the leading "/" left out.
func splitPath(p string) []string {
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

// lookup returns the operation that method reaches at the path split into
// parts (nil when none), and the first template the path matches whatever
// the method ("" when none). A parameter is never empty, nor a dot segment
// ("." or "..") unless dots is set. params, when not nil, receives the path
// parameters of the operation.
func (v *Validator) lookup(method string, parts []string, params map[string]string, dots bool) (*operation, string) {
	tmpl := ""
	for _, r := range v.paths {
		if len(r.segs) != len(parts) {
			continue
		}
		match := true
		for i, s := range r.segs {
			if s != "" && s != parts[i] || s == "" && (parts[i] == "" || !dots && isDotSegment(parts[i])) {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		o := r.ops[method]
		if o == nil {
			if tmpl == "" {
				tmpl = r.template
			}
			continue
		}
		if params != nil {
			for i, name := range r.params {
				if name == "" {
					continue
				}
				val, err := url.PathUnescape(parts[i])
				if err != nil {
					return nil, r.template
				}
				params[name] = val
			}
		}
		return o, r.template
	}
	return nil, tmpl
}

// escapedPath returns u's path as the request spelled it, every escape
// kept as written ("%2F" stays "%2F"), with the bytes a URI cannot hold as
// they are (non-ASCII, a space, '"', '<', '>', '\', '^', '`', '{', '|',
// '}') percent-encoded, as a client encodes them before sending (RFC 3987,
// 3.1). url.URL.EscapedPath does not do this: when the path holds such a
// byte, it escapes the decoded path again, turning "%2F" into a "/".
func escapedPath(u *url.URL) string {
	raw := u.RawPath
	if raw == "" {
		// The path as written is what url.URL escapes it to.
		return u.EscapedPath()
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c > ' ' && c < 0x7f && !strings.ContainsRune("\"<>\\^`{|}", rune(c)) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// normalizePath returns an escaped path with its percent-encoded unreserved
// characters (letters, digits, "-", ".", "_", "~") decoded and its other
// escapes in upper case, so that two spellings of one path (RFC 3986,
// 6.2.2.1 and 6.2.2.2) compare equal. A path without "%" is returned as is.
func normalizePath(p string) string {
	i := strings.IndexByte(p, '%')
	if i < 0 {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	b.WriteString(p[:i])
	for ; i < len(p); i++ {
		c := p[i]
		if c != '%' || i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
			b.WriteByte(c)
			continue
		}
		d := unhex(p[i+1])<<4 | unhex(p[i+2])
		if isUnreserved(d) {
			b.WriteByte(d)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(p[i+1 : i+3]))
		}
		i += 2
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// isUnreserved reports whether c is an unreserved character of RFC 3986.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// isDotSegment reports whether a segment (its unreserved characters
// decoded) is "." or "..".
func isDotSegment(s string) bool { return s == "." || s == ".." }

// hasEmptyOrDotSegment reports whether a path split into segments has an
// empty segment ("//", a trailing "/") or a "." or ".." one.
func hasEmptyOrDotSegment(parts []string) bool {
	for _, s := range parts {
		if s == "" || isDotSegment(s) {
			return true
		}
	}
	return false
}

// nearMissCandidates returns, split into segments, the paths a normalized
// path may have been meant as when servers differ on how they route it:
// when it has an empty or dot segment, a percent-encoded "/" ("%2F", which
// some servers decode before routing) or "\" ("%5C", which browsers and
// some servers take for a "/"), or a ";" parameter (which some strip from
// each segment). They are: the path itself, each "%2F" and "%5C" read as a
// "/", its ";" parameters dropped and a dot segment standing for a
// parameter; then without its empty and "." segments and with each ".."
// resolved against the segment before it (as a browser would); then with
// the ".." segments dropped instead. It returns nil for a path servers
// agree on.
func nearMissCandidates(norm string) [][]string {
	if !mayBeNearMiss(norm) {
		return nil
	}
	p := norm
	if strings.Contains(p, "%2F") || strings.Contains(p, "%5C") {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "%2F", "/"), "%5C", "/")
	}
	p = dropSegmentParams(p)
	parts := splitPath(p)
	if p == norm && !hasEmptyOrDotSegment(parts) {
		return nil
	}
	resolved := make([]string, 0, len(parts))
	dropped := make([]string, 0, len(parts))
	for _, s := range parts {
		switch s {
		case "", ".":
		case "..":
			if len(resolved) > 0 {
				resolved = resolved[:len(resolved)-1]
			}
		default:
			resolved = append(resolved, s)
			dropped = append(dropped, s)
		}
	}
	return [][]string{parts, resolved, dropped}
}

// Validate checks one pair and returns every violation found, sorted by
// side, location and kind; nil when the pair conforms. It never changes p.
// It is [Validator.Check] for callers that need only the violations.
func (v *Validator) Validate(ctx context.Context, p *Pair) []Violation {
	return v.Check(ctx, p).Violations
}

// Result is what [Validator.Check] makes of one pair: its route and the
// violations found.
type Result struct {
	// Route is the pair's routing decision. Its Reason is the final one:
	// ReasonNoBodyCaptured replaces ReasonOperation for a pair whose
	// capture kept neither body and that shows no violation otherwise.
	Route Route
	// Violations lists the violations found, sorted by side, location and
	// kind; nil for a pair that conforms or is not checked.
	Violations []Violation
}

// Checked reports whether the pair was checked against the spec.
func (r Result) Checked() bool { return r.Route.Checked() }

// Check routes p once ([Validator.Route]) and validates it when it is
// checked: what a report needs to count a pair and list its violations.
// A pair that is skipped gives no violation, in any mode; a pair that
// reaches no operation in strict mode ([ReasonUnknownOperation]) is an
// unknown-operation violation naming the template its path matches or
// resembles. Every violation carries the pair's method and path, escaped.
// It never changes p. A nil p is a [ReasonBadURL] with no violation.
func (v *Validator) Check(ctx context.Context, p *Pair) Result {
	if p == nil {
		return Result{Route: Route{Reason: ReasonBadURL}}
	}
	st := v.pool.Get().(*state)
	defer v.pool.Put(st)
	clear(st.params)

	d, o, u := v.routeFull(p, st.params)
	if o == nil {
		if d.Reason != ReasonUnknownOperation {
			return Result{Route: d}
		}
		return Result{Route: d, Violations: redactAll(p, []Violation{unknownOperation(d)})}
	}

	var out []Violation
	reqHeader := p.RequestHeader
	if reqHeader == nil {
		reqHeader = http.Header{}
	}
	respHeader := p.ResponseHeader
	if respHeader == nil {
		respHeader = http.Header{}
	}

	// Request: kin-openapi checks security and parameters, and the body
	// unless the compiled walker can.
	// A body the capture did not record (RequestBodyMissing) is left out
	// of kin-openapi's checks, and requestBody checks only its media type.
	reqCT := reqHeader.Get("Content-Type")
	walkReq := (o.reqFull || p.RequestBodyMissing) && isJSON(reqCT)
	req := &http.Request{Method: o.method, URL: u, Header: reqHeader, Host: u.Host, Body: http.NoBody}
	if !walkReq && !p.RequestBodyMissing && len(p.RequestBody) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(p.RequestBody))
		req.ContentLength = int64(len(p.RequestBody))
	}
	kinReq := 1
	if walkReq || p.RequestBodyMissing {
		kinReq = 0
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: st.params, Route: o.kin, Options: &v.optsReq[kinReq]}
	tr := translator{o: o, side: SideRequest, ct: reqCT, out: out}
	tr.translate(openapi3filter.ValidateRequest(ctx, in))
	out = tr.out
	n := len(out)
	out = v.requestBody(st, o, p, reqCT, walkReq, out)
	if v.strict && len(st.params) > 0 {
		out = tolerateEchoes(out, n, p.RequestBody, st.params)
	}

	// Response.
	respCT := respHeader.Get("Content-Type")
	// An empty JSON body is reported by responseBody, in both modes.
	walkResp := (o.respFull || p.ResponseBodyMissing || len(p.ResponseBody) == 0) && isJSON(respCT)
	kinResp := 1
	if walkResp || p.ResponseBodyMissing {
		kinResp = 0
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: st.params, Route: o.kin},
		Status:                 p.StatusCode, Header: respHeader, Options: &v.optsResp[kinResp],
		Body: io.NopCloser(bytes.NewReader(p.ResponseBody)),
	}
	tr = translator{o: o, side: SideResponse, ct: respCT, status: p.StatusCode, out: out}
	tr.translate(openapi3filter.ValidateResponse(ctx, rin))
	out = tr.out
	var caps []capture
	out, caps = v.responseBody(st, o, p, respCT, walkResp, out)

	out = append(out, checkInvariants(o, v.strict, st.params, p, reqHeader, caps)...)
	if len(out) == 0 {
		if p.RequestBodyMissing && p.ResponseBodyMissing {
			// Only the status and the headers could be looked at: not a
			// check worth counting, so that a capture that kept no body
			// at all cannot pass as checked.
			d.Reason = ReasonNoBodyCaptured
		}
		return Result{Route: d}
	}
	for i := range out {
		out[i].Method, out[i].Path = d.Method, d.Path
		out[i].Operation = Escape(out[i].Operation)
		out[i].Location = Escape(out[i].Location)
	}
	out = redactAll(p, out)
	sortViolations(out)
	return Result{Route: d, Violations: out}
}

// unknownOperation is the violation of a pair routed to
// [ReasonUnknownOperation].
func unknownOperation(d Route) Violation {
	msg := "the spec declares no operation for this method and path"
	switch {
	case d.nearMiss && d.Template == "":
		msg = "the path is inside the API's scope only once its empty or dot segments, a trailing /, an encoded / or a ; parameter are resolved: servers differ on how they route it"
	case d.nearMiss:
		msg = "the path is not written as the spec's " + d.Template + " (it has an empty or dot segment, a trailing /, an encoded / or a ; parameter): servers differ on how they route it"
	case d.Template != "":
		msg = "the spec declares no " + d.Method + " operation at " + d.Template
	}
	return Violation{Method: d.Method, Path: d.Path, Operation: d.Method + " " + d.Path, Side: SideRequest, Kind: KindUnknownOperation, Location: "path", Message: msg}
}

// tolerateEchoes applies the rule for path parameters repeated in the
// request body, to the violations out[start:] found in it. Stytch's Go and
// Python SDKs send organization_id and connection_id in the JSON body of
// both updates as well as in the path; Stytch ignores the body copies (the
// path wins). So, in strict mode, a top-level request body property that
// the body's schema does not declare and that is named like a path
// parameter of the operation is accepted when its value is a string equal
// to the path parameter (percent-decoded), and stays an undocumented-field
// violation, saying that it disagrees with the path, otherwise. A property
// the schema declares is checked by the schema, as always.
func tolerateEchoes(out []Violation, start int, body []byte, params map[string]string) []Violation {
	var fields map[string]json.RawMessage
	decoded := false
	j := start
	for i := start; i < len(out); i++ {
		vi := out[i]
		if name, ok := strings.CutPrefix(vi.Location, "/"); ok && vi.Side == SideRequest && vi.Kind == KindUndocumentedField && !strings.ContainsAny(name, "/~") {
			if want, isParam := params[name]; isParam {
				if !decoded {
					decoded, fields = true, topLevelFields(body)
				}
				if got, ok := stringField(fields, name); ok && got == want {
					continue
				}
				vi.Message = "property is not declared in the spec; it repeats the path parameter " + name + " and disagrees with the path"
			}
		}
		out[j] = vi
		j++
	}
	return out[:j]
}

func sortViolations(out []Violation) {
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Side != b.Side {
			return a.Side == SideRequest
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Message < b.Message
	})
}

// requestBody does what kin-openapi's ValidateRequestBody would when the
// walker handles the body, strict mode's extra checks in any case, and the
// duplicate-key check in every mode. A body the capture did not record gets
// its media type checked only.
func (v *Validator) requestBody(st *state, o *operation, p *Pair, ct string, walk bool, out []Violation) []Violation {
	rb := o.op.RequestBody
	missing := p.RequestBodyMissing
	if rb == nil || rb.Value == nil {
		if v.strict && (len(p.RequestBody) > 0 || missing) {
			out = append(out, Violation{Operation: o.id, Side: SideRequest, Kind: KindContentType, Location: "body", Message: "the operation declares no request body"})
		}
		return out
	}
	if !missing && (len(p.RequestBody) == 0 || len(rb.Value.Content) == 0) {
		if walk && len(p.RequestBody) == 0 && rb.Value.Required {
			out = append(out, Violation{Operation: o.id, Side: SideRequest, Kind: KindMissingRequired, Location: "body", Message: "the operation requires a request body"})
		}
		return out
	}
	if len(rb.Value.Content) == 0 {
		return out
	}
	mt := rb.Value.Content.Get(ct)
	if mt == nil {
		if walk || missing { // otherwise kin-openapi has checked it
			out = append(out, Violation{Operation: o.id, Side: SideRequest, Kind: KindContentType, Location: "header:Content-Type", Message: contentTypeMessage(SideRequest, ct, rb.Value.Content)})
		}
		return out
	}
	if v.strict && !declaredExactly(rb.Value.Content, ct) {
		out = append(out, Violation{Operation: o.id, Side: SideRequest, Kind: KindContentType, Location: "header:Content-Type", Message: "request media type " + mediaTypeOf(ct) + " is only matched by a wildcard (declared: " + declaredMediaTypes(rb.Value.Content) + ")"})
	}
	if missing || mt.Schema == nil || !isJSON(ct) {
		return out
	}
	n := o.nodes[mt.Schema.Value]
	validate := walk
	st.w.reset(p.RequestBody, SideRequest, o.id, validate, v.strict)
	if err := st.w.run(n, nil); err != nil {
		if validate {
			out = append(out, Violation{Operation: o.id, Side: SideRequest, Kind: KindUnreadableBody, Location: "body", Message: "request body cannot be decoded as its media type"})
		}
		return out
	}
	return append(out, st.w.out...)
}

// responseBody mirrors ValidateResponse's body checks when the walker
// handles the body, adds strict mode's checks and the empty-body and
// duplicate-key checks, and captures what the invariants read.
func (v *Validator) responseBody(st *state, o *operation, p *Pair, ct string, walk bool, out []Violation) ([]Violation, []capture) {
	switch p.StatusCode {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return out, nil
	}
	responses := o.op.Responses
	if responses == nil || responses.Len() == 0 {
		return out, nil
	}
	missing := p.ResponseBodyMissing
	ref := responses.Status(p.StatusCode)
	if ref == nil {
		ref = responses.Default()
		if ref != nil && v.strict {
			out = append(out, Violation{Operation: o.id, Side: SideResponse, Kind: KindStatus, Location: "status", Message: "status " + strconv.Itoa(p.StatusCode) + " is only covered by the default response (declared: " + o.statuses + ")"})
		}
	}
	st.w.caps = st.w.caps[:0]
	var n *node
	var mt *openapi3.MediaType
	if ref != nil && ref.Value != nil {
		content := ref.Value.Content
		if len(content) == 0 {
			if v.strict && (len(p.ResponseBody) > 0 || missing) {
				out = append(out, Violation{Operation: o.id, Side: SideResponse, Kind: KindContentType, Location: "body", Message: "the response declares no body"})
			}
		} else if mt = content.Get(ct); mt == nil {
			if walk || missing { // otherwise kin-openapi has checked it
				out = append(out, Violation{Operation: o.id, Side: SideResponse, Kind: KindContentType, Location: "header:Content-Type", Message: contentTypeMessage(SideResponse, ct, content)})
			}
		} else {
			if v.strict && !declaredExactly(content, ct) {
				out = append(out, Violation{Operation: o.id, Side: SideResponse, Kind: KindContentType, Location: "header:Content-Type", Message: "response media type " + mediaTypeOf(ct) + " is only matched by a wildcard (declared: " + declaredMediaTypes(content) + ")"})
			}
			if mt.Schema != nil {
				n = o.nodes[mt.Schema.Value]
			}
		}
	}
	if missing || !isJSON(ct) {
		return out, nil
	}
	if len(p.ResponseBody) == 0 {
		// An empty body is not JSON: a declared JSON response must have one.
		if mt != nil {
			out = append(out, Violation{Operation: o.id, Side: SideResponse, Kind: KindMissingRequired, Location: "body", Message: "the body is empty although the response is " + mediaTypeOf(ct) + " and the operation declares a body for status " + strconv.Itoa(p.StatusCode)})
		}
		return out, nil
	}
	validate := walk && n != nil
	st.w.reset(p.ResponseBody, SideResponse, o.id, validate, v.strict && n != nil)
	if n == nil {
		n = anyNode
	}
	if err := st.w.run(n, v.capture); err != nil {
		if validate {
			out = append(out, Violation{Operation: o.id, Side: SideResponse, Kind: KindUnreadableBody, Location: "body", Message: "response body cannot be decoded as its media type"})
		}
		return out, nil
	}
	return append(out, st.w.out...), st.w.caps
}

// topLevelFields decodes a JSON object's members, nil when body is not one.
// It runs only when a body holds an undeclared path parameter.
func topLevelFields(body []byte) map[string]json.RawMessage {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return nil
	}
	return fields
}

// stringField returns fields[name] when it is a JSON string.
func stringField(fields map[string]json.RawMessage, name string) (string, bool) {
	raw, ok := fields[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// isJSON reports whether a Content-Type is JSON (application/json or +json).
func isJSON(ct string) bool {
	base, _, _ := strings.Cut(ct, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	return base == "application/json" || strings.HasSuffix(base, "+json")
}

// declaredExactly reports whether ct's media type is a key of content, not
// just matched by a wildcard.
func declaredExactly(content openapi3.Content, ct string) bool {
	base, _, err := mime.ParseMediaType(ct)
	if err != nil {
		base, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(ct)), ";")
	}
	for k := range content {
		if strings.EqualFold(strings.TrimSpace(k), base) {
			return true
		}
	}
	return false
}

// authenticate is the validator's openapi3filter.AuthenticationFunc: it
// checks that the credentials a scheme needs are present and well formed,
// never that they are right. Its errors never carry the credentials.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	h := in.RequestValidationInput.Request.Header
	switch s.Type {
	case "http":
		auth := h.Get("Authorization")
		if auth == "" {
			return errAuthMissing
		}
		scheme, cred, _ := strings.Cut(auth, " ")
		if strings.EqualFold(s.Scheme, "basic") {
			if !strings.EqualFold(scheme, "basic") {
				return errAuthNotBasic
			}
			raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
			if err != nil || !bytes.ContainsRune(raw, ':') {
				return errAuthMalformed
			}
			return nil
		}
		if !strings.EqualFold(scheme, s.Scheme) {
			return errAuthScheme
		}
		return nil
	case "apiKey":
		var present bool
		switch s.In {
		case "header":
			present = h.Get(s.Name) != ""
		case "query":
			present = in.RequestValidationInput.Request.URL.Query().Has(s.Name)
		case "cookie":
			_, err := in.RequestValidationInput.Request.Cookie(s.Name)
			present = err == nil
		}
		if !present {
			return errAuthNoAPIKey
		}
		return nil
	default:
		if h.Get("Authorization") == "" {
			return errAuthMissing
		}
		return nil
	}
}
