package main

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// Reasons a pair is skipped (not validated), as they appear in JSON
// ("skipped" object keys) and, spelled out, in text.
const (
	reasonOtherHost      = "other-host"
	reasonOutsideAPI     = "outside-api"
	reasonPreflight      = "cors-preflight"
	reasonStaticAsset    = "static-asset"
	reasonUndeclaredVerb = "undeclared-method"
)

// reasonText spells a skip reason out for people.
func reasonText(reason string) string {
	switch reason {
	case reasonOtherHost:
		return "other host"
	case reasonOutsideAPI:
		return "path outside the API"
	case reasonPreflight:
		return "CORS preflight"
	case reasonStaticAsset:
		return "static asset"
	case reasonUndeclaredVerb:
		return "method not in the spec"
	}
	return reason
}

// scope decides which pairs are API traffic to validate and what the
// capture failed to record. It is the one place the CLI asks these
// questions, so that the validator's own answers (a Classify method, Pair
// fields saying a body was not captured) replace these functions and
// nothing else changes. Tests substitute their own.
type scope struct {
	// classify says whether p is in scope (validated) and, when not, why.
	classify func(v *contract.Validator, p *contract.Pair) (inScope bool, reason string)
	// bodyMissing says whether the capture left out p's request or
	// response body.
	bodyMissing func(p *contract.Pair) (request, response bool)
}

// defaultScope is what the CLI uses.
func defaultScope() scope {
	return scope{classify: classify, bodyMissing: bodyMissing}
}

// bodyMissing reports bodies the capture did not record. The loaders do not
// say so yet, so it reports none.
//
// TODO(lead): return p.RequestBodyMissing, p.ResponseBodyMissing once Pair
// has them.
func bodyMissing(*contract.Pair) (request, response bool) {
	return false, false
}

// classify says whether a pair is API traffic: a method and path that reach
// an operation of the spec are in scope, on any host. Otherwise it is
// skipped, for the first reason that applies:
//   - cors-preflight: OPTIONS with Access-Control-Request-Method;
//   - undeclared-method: the path is one of the spec's but the method is not
//     (in strict mode such a pair is in scope, and the validator reports an
//     unknown operation);
//   - static-asset: a path ending in a script, style, image, font or page
//     extension, or a response of such a media type;
//   - other-host: a host that none of the spec's servers name;
//   - outside-api: a path of the API's hosts the spec does not describe.
//
// TODO(lead): replace the body with the validator's Classify once it exists.
func classify(v *contract.Validator, p *contract.Pair) (inScope bool, reason string) {
	if _, _, ok := v.FindOperation(p.Method, p.URL); ok {
		return true, ""
	}
	if p.Method == http.MethodOptions && p.RequestHeader.Get("Access-Control-Request-Method") != "" {
		return false, reasonPreflight
	}
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodTrace} {
		if m == p.Method {
			continue
		}
		if _, _, ok := v.FindOperation(m, p.URL); ok {
			if v.Strict() {
				return true, ""
			}
			return false, reasonUndeclaredVerb
		}
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		return false, reasonOutsideAPI
	}
	if isStaticAsset(u.Path, p.ResponseHeader) {
		return false, reasonStaticAsset
	}
	if u.Host != "" && !specHost(v, u.Hostname()) {
		return false, reasonOtherHost
	}
	return false, reasonOutsideAPI
}

// isStaticAsset says whether a path or response is what a browser loads
// besides API calls: a script, style, page, image or font.
func isStaticAsset(p string, h http.Header) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".js", ".mjs", ".css", ".map", ".html", ".htm",
		".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif",
		".woff", ".woff2", ".ttf", ".otf", ".eot":
		return true
	}
	ct := strings.ToLower(h.Get("Content-Type"))
	for _, prefix := range []string{"text/css", "text/html", "text/javascript", "application/javascript", "image/", "font/"} {
		if strings.HasPrefix(ct, prefix) {
			return true
		}
	}
	return false
}

// specHost reports whether host is one the spec's servers name (localhost
// and loopback addresses count: a local stand-in serves the API there).
func specHost(v *contract.Validator, host string) bool {
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	for _, s := range v.Document().Servers {
		if u, err := url.Parse(s.URL); err == nil && strings.EqualFold(u.Hostname(), host) {
			return true
		}
	}
	return false
}
