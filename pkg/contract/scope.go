package contract

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// Reason says why a pair is checked or not. [Validator.Route] gives one
// reason per pair, [Validator.Check] the final one; reports count pairs by
// reason and spell it out with [Reason.Describe].
type Reason string

// The reasons a pair is checked or skipped.
//
// Checked ([Reason.Checked]):
//   - [ReasonOperation]: method and path reach an operation of the spec.
//   - [ReasonUnknownOperation]: strict mode only: API traffic the spec has
//     no operation for (a path of the spec with a method it does not
//     declare there, a request inside the scope widened with [WithScope],
//     or a near miss of a path of the spec, see [ReasonNearMissPath]). It
//     is an unknown-operation violation.
//
// Skipped (never a violation):
//   - [ReasonUndeclaredOperation]: what strict mode reports as
//     [ReasonUnknownOperation], outside strict mode.
//   - [ReasonNearMissPath]: outside strict mode, a path that is not the
//     spec's but becomes one once empty segments (a trailing or doubled
//     "/") and dot segments ("." and "..") are dropped or resolved, a
//     percent-encoded "/" or "\" is read as a "/" or ";" parameters are
//     dropped, or that has a dot segment where the spec's path has a
//     parameter (or that enters the [WithScope] scope only once so read):
//     servers do not agree on routing it, so it is not taken for the
//     operation.
//   - [ReasonNoBodyCaptured]: the capture recorded neither body of a pair
//     that reaches an operation, and what is left (status, headers) shows
//     no violation: not a check worth counting ([Validator.Check] only).
//   - [ReasonPreflight]: a CORS preflight (OPTIONS with an
//     Access-Control-Request-Method header).
//   - [ReasonStaticAsset]: a script, style sheet, image, font, source map or
//     HTML page, by the path's extension or the response's media type.
//   - [ReasonOtherHost]: a host that is not one of the spec's servers (nor
//     localhost or a loopback address, where a local stand-in serves the API).
//   - [ReasonOutsideAPI]: a path of the spec's servers (or of any host,
//     when the spec names no absolute server) that the spec does not
//     describe, such as another Stytch endpoint.
//   - [ReasonBadURL]: the URL cannot be parsed.
const (
	ReasonOperation           Reason = "operation"
	ReasonUnknownOperation    Reason = "unknown-operation"
	ReasonUndeclaredOperation Reason = "undeclared-operation"
	ReasonNearMissPath        Reason = "near-miss-path"
	ReasonNoBodyCaptured      Reason = "no-body-captured"
	ReasonPreflight           Reason = "cors-preflight"
	ReasonStaticAsset         Reason = "static-asset"
	ReasonOtherHost           Reason = "other-host"
	ReasonOutsideAPI          Reason = "outside-api"
	ReasonBadURL              Reason = "bad-url"
)

// Checked reports whether a pair with this reason is checked against the
// spec: [ReasonOperation] and [ReasonUnknownOperation]. Every other reason
// is why a pair was skipped.
func (r Reason) Checked() bool {
	return r == ReasonOperation || r == ReasonUnknownOperation
}

// Describe spells the reason out for people, in the words every report
// uses ("path outside the API"). An unknown reason is returned as is.
func (r Reason) Describe() string {
	switch r {
	case ReasonOperation:
		return "checked against its operation"
	case ReasonUnknownOperation:
		return "operation not in the spec (strict)"
	case ReasonUndeclaredOperation:
		return "operation not in the spec"
	case ReasonNearMissPath:
		return "near miss of an API path (servers differ on routing it)"
	case ReasonNoBodyCaptured:
		return "neither body captured"
	case ReasonPreflight:
		return "CORS preflight"
	case ReasonStaticAsset:
		return "static asset"
	case ReasonOtherHost:
		return "other host"
	case ReasonOutsideAPI:
		return "path outside the API"
	case ReasonBadURL:
		return "unparsable URL"
	}
	return string(r)
}

// Route is the validator's routing decision for one pair, made once
// ([Validator.Route], or inside [Validator.Check]) and carried to
// validation, coverage and reports: the operation the pair reaches, or why
// it is not checked.
type Route struct {
	// Reason says why the pair is checked or skipped.
	Reason Reason
	// Operation is the operation's name, as in [Violation.Operation] and
	// [Validator.OperationName]; empty unless the pair reaches an
	// operation (Reason is ReasonOperation, or ReasonNoBodyCaptured).
	Operation string
	// Template is the path template of the operation; for a pair that
	// reaches none, the spec path it matches (with another method) or
	// nearly matches (ReasonNearMissPath); empty otherwise.
	Template string
	// Method and Path are the pair's method (upper case) and path (no
	// query, percent-encoded as in the request, a character a URI cannot
	// hold raw such as "é" percent-encoded as a client sends it), escaped
	// with [Escape] so that a report can print them, as are Operation and
	// Template.
	Method string
	Path   string
	// BodyNotCaptured reports that the capture says a body of the pair
	// existed but did not record it ([Pair.RequestBodyMissing],
	// [Pair.ResponseBodyMissing]). Body checks are skipped for that side;
	// everything else is checked.
	BodyNotCaptured bool

	// nearMiss is set when the path is a near miss (rules 5 and 7 of
	// [Validator.Route]): Template, when set, is a template it resembles,
	// not one it matches.
	nearMiss bool
}

// Checked reports whether the pair is checked against the spec
// ([Reason.Checked]).
func (r Route) Checked() bool { return r.Reason.Checked() }

// scopeEntry is one [WithScope] entry: a host, a path prefix, or both.
type scopeEntry struct {
	host   string // a name in lower case, or an IP address; "" for any host
	port   int    // 0 for any port
	prefix string // "" for any path
}

// WithScope widens what the validator treats as API traffic beyond the
// paths of the spec. Each entry is a path prefix ("/v1/b2b/sso/"), a host
// ("api.stytch.com", or "host:port"), or a host followed by a path prefix
// ("api.stytch.com/v1/b2b/"). A request inside an entry (same host, when
// the entry names one; a path equal to the prefix or under it, segment by
// segment) that reaches no operation of the spec is API traffic the spec
// lacks: strict mode reports it ([ReasonUnknownOperation]), otherwise it is
// skipped as [ReasonUndeclaredOperation]. CORS preflights and static assets
// are still skipped. Options accumulate.
//
// Entries are compared as URLs: paths with their percent-encoded unreserved
// characters decoded, host names ignoring case and a final ".", IP
// addresses as addresses; a URL that names no port is at its scheme's
// default one, and an entry that names no port matches any.
func WithScope(entries ...string) Option {
	return func(c *config) error {
		if len(entries) == 0 {
			return errors.New("contract: WithScope: no entry")
		}
		for _, e := range entries {
			se, err := parseScope(e)
			if err != nil {
				return err
			}
			c.scope = append(c.scope, se)
		}
		return nil
	}
}

func parseScope(e string) (scopeEntry, error) {
	bad := func(why string) error {
		return fmt.Errorf("contract: WithScope: entry %q: %s", Escape(e), why)
	}
	if e == "" {
		return scopeEntry{}, bad("empty")
	}
	if strings.Contains(e, "://") {
		return scopeEntry{}, bad("give a host or a path prefix, not a URL")
	}
	for _, r := range e {
		if r <= ' ' || r == 0x7f || r == '?' || r == '#' {
			return scopeEntry{}, bad("holds a space, control character, '?' or '#'")
		}
	}
	host, prefix := e, ""
	if i := strings.IndexByte(e, '/'); i >= 0 {
		host, prefix = e[:i], e[i:]
	}
	if prefix != "" && strings.Contains(prefix, "//") {
		return scopeEntry{}, bad("the path prefix has an empty segment")
	}
	se := scopeEntry{prefix: normalizePath(prefix)}
	for _, seg := range splitPath(se.prefix) {
		if isDotSegment(seg) {
			return scopeEntry{}, bad("the path prefix has a dot segment (\".\" or \"..\")")
		}
	}
	if host != "" {
		u, err := url.Parse("http://" + host + "/")
		if err != nil || u.Host != host || u.User != nil {
			return scopeEntry{}, bad("not a host name")
		}
		se.host = strings.ToLower(u.Hostname())
		if p := u.Port(); p != "" {
			if se.port, err = strconv.Atoi(p); err != nil || se.port < 1 || se.port > 65535 {
				return scopeEntry{}, bad("the port is not in 1-65535")
			}
		}
	}
	return se, nil
}

// matches reports whether the request at u (path: its escaped path) is
// inside the entry. Hosts are compared as URLs compare them: names ignoring
// case, IP addresses as addresses, and a port left out is the scheme's
// default port.
func (s scopeEntry) matches(u *url.URL, escPath string) bool {
	if s.host != "" && !sameHost(u.Hostname(), s.host) {
		return false
	}
	if s.port != 0 && port(u) != s.port {
		return false
	}
	if s.prefix == "" || s.prefix == "/" {
		return true
	}
	if !strings.HasPrefix(escPath, s.prefix) {
		return false
	}
	return len(escPath) == len(s.prefix) || strings.HasSuffix(s.prefix, "/") || escPath[len(s.prefix)] == '/'
}

// sameHost reports whether two host names (without port or brackets) name
// the same host: equal ignoring case and a final "." (a fully qualified
// name), or the same IP address.
func sameHost(a, b string) bool {
	if strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")) {
		return true
	}
	ia := net.ParseIP(a)
	return ia != nil && ia.Equal(net.ParseIP(b))
}

// port returns the port of u: the one it names, or its scheme's default
// (80 for http and ws, 443 for https and wss); 0 when neither is known.
func port(u *url.URL) int {
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "ws":
		return 80
	case "https", "wss":
		return 443
	}
	return 0
}

// serverHosts returns the lower-case host names (no port) of the
// document's absolute server URLs (those without variables).
func serverHosts(servers []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range servers {
		if strings.Contains(s, "{") {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			continue
		}
		out[strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))] = true
	}
	return out
}

// isStaticExt reports whether a path extension (lower case, with its dot)
// is one of a static asset.
func isStaticExt(ext string) bool {
	switch ext {
	case ".js", ".mjs", ".css", ".map", ".html", ".htm",
		".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif",
		".woff", ".woff2", ".ttf", ".otf", ".eot",
		".mp4", ".webm", ".mp3", ".wasm", ".txt":
		return true
	}
	return false
}

// isStaticAsset reports whether the pair fetches a static asset: by the
// path's extension, or by the response's media type (scripts, style
// sheets, HTML, images, fonts, audio, video).
func isStaticAsset(escPath string, p *Pair) bool {
	if isStaticExt(strings.ToLower(path.Ext(escPath))) {
		return true
	}
	ct := p.ResponseHeader.Get("Content-Type")
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "text/html", "text/css", "text/javascript", "application/javascript", "application/x-javascript", "application/wasm":
		return true
	}
	for _, prefix := range []string{"image/", "font/", "audio/", "video/"} {
		if strings.HasPrefix(mt, prefix) {
			return true
		}
	}
	return false
}

// isPreflight reports whether the pair is a CORS preflight.
func isPreflight(p *Pair) bool {
	return strings.EqualFold(p.Method, http.MethodOptions) && p.RequestHeader.Get("Access-Control-Request-Method") != ""
}

// Route says whether p is checked and against which operation, or why it
// is skipped; it does not look at the pair's bodies. [Validator.Check]
// routes the same way. The rules, in order:
//
//  1. An unparsable URL is skipped ([ReasonBadURL]).
//  2. A CORS preflight is skipped ([ReasonPreflight]), unless the spec
//     declares an OPTIONS operation at its path.
//  3. A method and path (any host) that reach an operation of the spec are
//     checked ([ReasonOperation]). Paths are compared as URLs (RFC 3986):
//     a percent-encoded unreserved character ("%73aml" for "saml") is the
//     character itself.
//  4. A path that matches a path template of the spec (any host), with a
//     method the spec does not declare there, is API traffic the spec
//     lacks: [ReasonUnknownOperation] in strict mode,
//     [ReasonUndeclaredOperation] otherwise.
//  5. A path that would match a template of the spec without its empty or
//     dot segments ("/v1//b2b", "/v1/./b2b", ".." segments, a trailing
//     "/"), with each percent-encoded "/" or "\" ("%2F", "%5C") read as a
//     "/", or with its segments' ";" parameters ("/saml;x=1/") dropped, or
//     that has a dot segment ("." or "..", "%2E" included) where the
//     template has a parameter, is a near miss: a dot segment is never a
//     parameter's value, and servers differ on routing the others.
//     [ReasonUnknownOperation] in strict mode, [ReasonNearMissPath]
//     otherwise.
//  6. A static asset is skipped ([ReasonStaticAsset]).
//  7. A request inside the scope widened with [WithScope] is API traffic
//     the spec lacks, as in rule 4; one that is inside it only once read
//     as in rule 5 is a near miss (with no template).
//  8. Anything else is skipped: [ReasonOtherHost] when the spec names its
//     servers and the host is not one of them, [ReasonOutsideAPI]
//     otherwise.
//
// A nil p is a [ReasonBadURL].
func (v *Validator) Route(p *Pair) Route {
	if p == nil {
		return Route{Reason: ReasonBadURL}
	}
	r, _, _ := v.routeFull(p, nil)
	return r
}

// routeFull is Route, also returning the operation and the parsed URL;
// params, when not nil, receives the path parameters.
func (v *Validator) routeFull(p *Pair, params map[string]string) (Route, *operation, *url.URL) {
	r := Route{Method: Escape(strings.ToUpper(p.Method)), BodyNotCaptured: p.RequestBodyMissing || p.ResponseBodyMissing}
	m := v.find(p.Method, p.URL, params)
	if m.u == nil {
		r.Reason = ReasonBadURL
		return r, nil, nil
	}
	r.Path = Escape(m.path)
	if isPreflight(p) && m.op == nil {
		r.Reason = ReasonPreflight
		return r, nil, m.u
	}
	// lacks is the reason of API traffic the spec has no operation for.
	lacks := ReasonUndeclaredOperation
	if v.strict {
		lacks = ReasonUnknownOperation
	}
	switch {
	case m.op != nil:
		r.Reason, r.Operation, r.Template = ReasonOperation, Escape(m.op.id), Escape(m.op.template)
		return r, m.op, m.u
	case m.template != "":
		r.Reason, r.Template = lacks, Escape(m.template)
		return r, nil, m.u
	case m.nearMiss != "":
		r.Reason, r.Template, r.nearMiss = ReasonNearMissPath, Escape(m.nearMiss), true
		if v.strict {
			r.Reason = ReasonUnknownOperation
		}
		return r, nil, m.u
	case isStaticAsset(m.norm, p):
		r.Reason = ReasonStaticAsset
		return r, nil, m.u
	}
	if in, nearMiss := v.inScope(m.u, m.norm); in {
		r.Reason, r.nearMiss = lacks, nearMiss
		if nearMiss && !v.strict {
			r.Reason = ReasonNearMissPath
		}
		return r, nil, m.u
	}
	if len(v.hosts) > 0 && !v.apiHost(m.u.Hostname()) {
		r.Reason = ReasonOtherHost
	} else {
		r.Reason = ReasonOutsideAPI
	}
	return r, nil, m.u
}

// inScope reports whether the request at u (norm: its normalized path) is
// inside an entry of the [WithScope] scope: as written, or, a near miss,
// only once it is read as servers that differ may read it
// ([nearMissCandidates]).
func (v *Validator) inScope(u *url.URL, norm string) (in, nearMiss bool) {
	for _, s := range v.scope {
		if s.matches(u, norm) {
			return true, false
		}
	}
	if len(v.scope) == 0 {
		return false, false
	}
	for _, alt := range nearMissCandidates(norm) {
		p := "/" + strings.Join(alt, "/")
		for _, s := range v.scope {
			if s.matches(u, p) {
				return true, true
			}
		}
	}
	return false, false
}

// apiHost reports whether host (a name, without port) serves the API: one
// of the spec's servers, localhost or a loopback address.
func (v *Validator) apiHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if v.hosts[strings.ToLower(host)] || strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
