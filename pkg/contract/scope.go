package contract

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Reason says why a pair is or is not checked. [Validator.Classify] gives
// one reason per pair; a report counts pairs by reason.
type Reason string

// The reasons a pair is in scope (checked) or skipped.
//
// In scope (API traffic):
//   - [ReasonOperation]: method and path reach an operation of the spec.
//   - [ReasonUnknownOperation]: the path matches one of the spec's path
//     templates but the spec declares no operation for the method there,
//     or the pair is inside the scope widened with [WithScope]. Strict mode
//     reports it as an unknown-operation violation; otherwise it passes
//     unchecked.
//
// Skipped (not API traffic; never a violation, in any mode):
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
	ReasonOperation        Reason = "operation"
	ReasonUnknownOperation Reason = "unknown-operation"
	ReasonPreflight        Reason = "cors-preflight"
	ReasonStaticAsset      Reason = "static-asset"
	ReasonOtherHost        Reason = "other-host"
	ReasonOutsideAPI       Reason = "outside-api"
	ReasonBadURL           Reason = "bad-url"
)

// Disposition is what the validator makes of a pair before checking its
// contents: whether it is API traffic, which operation it reaches, and
// whether its bodies were captured.
type Disposition struct {
	// InScope reports whether the pair is API traffic: Reason is
	// ReasonOperation or ReasonUnknownOperation. [Validator.Validate]
	// returns nothing for a pair out of scope, in every mode.
	InScope bool
	// Reason says why the pair is in scope or skipped.
	Reason Reason
	// Operation is the operation's ID, as in [Violation.Operation]; empty
	// unless Reason is ReasonOperation.
	Operation string
	// Template is the path template of the operation, or of the spec path
	// the request matched for ReasonUnknownOperation; empty otherwise.
	Template string
	// Method and Path are the pair's method (upper case) and path (no
	// query), escaped with [Escape] so that a report can print them, as
	// are Operation and Template.
	Method string
	Path   string
	// BodyNotCaptured reports that the capture says a body of the pair
	// existed but did not record it ([Pair.RequestBodyMissing],
	// [Pair.ResponseBodyMissing]). Body checks are skipped for that side;
	// everything else is checked.
	BodyNotCaptured bool
}

// Validated reports whether [Validator.Validate] checks the pair against an
// operation of the spec.
func (d Disposition) Validated() bool { return d.Reason == ReasonOperation }

// scopeEntry is one [WithScope] entry: a host, a path prefix, or both.
type scopeEntry struct {
	host   string // lower case; "" for any host
	prefix string // "" for any path
}

// WithScope widens what the validator treats as API traffic beyond the
// paths of the spec. Each entry is a path prefix ("/v1/b2b/sso/"), a host
// ("api.stytch.com", or "host:port"), or a host followed by a path prefix
// ("api.stytch.com/v1/b2b/"). A request inside an entry (same host, when
// the entry names one; a path equal to the prefix or under it, segment by
// segment) that reaches no operation of the spec is in scope with
// [ReasonUnknownOperation], so strict mode reports any such call the spec
// lacks. CORS preflights and static assets stay out of scope. Options
// accumulate.
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
	if host != "" {
		if u, err := url.Parse("http://" + host + "/"); err != nil || u.Host != host || u.User != nil {
			return scopeEntry{}, bad("not a host name")
		}
	}
	return scopeEntry{host: strings.ToLower(host), prefix: prefix}, nil
}

// matches reports whether the request at u (path: its escaped path) is
// inside the entry.
func (s scopeEntry) matches(u *url.URL, escPath string) bool {
	if s.host != "" && !strings.EqualFold(u.Host, s.host) && !strings.EqualFold(u.Hostname(), s.host) {
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
		out[strings.ToLower(u.Hostname())] = true
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

// Classify says whether p is API traffic for this validator and, if not,
// why; it does not check the pair's contents. The rules, in order:
//
//  1. An unparsable URL is skipped ([ReasonBadURL]).
//  2. A CORS preflight is skipped ([ReasonPreflight]), unless the spec
//     declares an OPTIONS operation at its path.
//  3. A method and path (any host) that reach an operation of the spec are
//     in scope and validated ([ReasonOperation]).
//  4. A path that matches a path template of the spec (any host), with a
//     method the spec does not declare there, is in scope
//     ([ReasonUnknownOperation]).
//  5. A static asset is skipped ([ReasonStaticAsset]).
//  6. A request inside the scope widened with [WithScope] is in scope
//     ([ReasonUnknownOperation]).
//  7. Anything else is skipped: [ReasonOtherHost] when the spec names its
//     servers and the host is not one of them, [ReasonOutsideAPI]
//     otherwise.
func (v *Validator) Classify(p *Pair) Disposition {
	if p == nil {
		return Disposition{Reason: ReasonBadURL}
	}
	d, _, _ := v.classify(p, nil)
	return d
}

// classify is Classify, also returning the operation and the parsed URL;
// params, when not nil, receives the path parameters.
func (v *Validator) classify(p *Pair, params map[string]string) (Disposition, *operation, *url.URL) {
	d := Disposition{Method: Escape(strings.ToUpper(p.Method)), BodyNotCaptured: p.RequestBodyMissing || p.ResponseBodyMissing}
	o, u, escPath, tmpl := v.find(p.Method, p.URL, params)
	if u == nil {
		d.Reason = ReasonBadURL
		return d, nil, nil
	}
	d.Path = Escape(escPath)
	if isPreflight(p) && o == nil {
		d.Reason = ReasonPreflight
		return d, nil, u
	}
	switch {
	case o != nil:
		d.InScope, d.Reason, d.Operation, d.Template = true, ReasonOperation, Escape(o.id), Escape(o.template)
		return d, o, u
	case tmpl != "":
		d.InScope, d.Reason, d.Template = true, ReasonUnknownOperation, Escape(tmpl)
		return d, nil, u
	case isStaticAsset(escPath, p):
		d.Reason = ReasonStaticAsset
		return d, nil, u
	}
	for _, s := range v.scope {
		if s.matches(u, escPath) {
			d.InScope, d.Reason = true, ReasonUnknownOperation
			return d, nil, u
		}
	}
	if len(v.hosts) > 0 && !v.apiHost(u.Hostname()) {
		d.Reason = ReasonOtherHost
	} else {
		d.Reason = ReasonOutsideAPI
	}
	return d, nil, u
}

// apiHost reports whether host (a name, without port) serves the API: one
// of the spec's servers, localhost or a loopback address.
func (v *Validator) apiHost(host string) bool {
	if v.hosts[strings.ToLower(host)] || strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
