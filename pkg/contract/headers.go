package contract

import (
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Misspelled and undeclared Stytch headers (strict mode).
//
// Stytch ignores a request header it does not know. A caller that means to
// send a member's session but spells the header X-Stytch-Member-Sesion gets
// the update run with the project's rights instead of the member's, and
// kin-openapi sees nothing wrong: undeclared headers are allowed. So, in
// strict mode, a request header the operation does not declare is a
// violation when
//   - it is in Stytch's namespace (X-Stytch-..., underscores read as
//     hyphens), or
//   - it is a near miss of a header the operation declares: at most two
//     single-character edits apart, ignoring case and reading underscores
//     as hyphens,
//
// unless it is an ordinary HTTP header (User-Agent, Accept, tracing and
// proxy headers, ...), which is never flagged. The violation names the
// header and the declared one it resembles, never a value.

// maxHeaderEdits is the largest edit distance of a near miss.
const maxHeaderEdits = 2

// undeclaredHeaders returns a violation for every request header of h that
// o does not declare and that looks meant for Stytch (see above), in the
// order of their names. A clean request costs no allocation.
func undeclaredHeaders(o *operation, h http.Header) []Violation {
	if len(h) == 0 {
		return nil
	}
	var buf [8]string
	declared := declaredRequestHeaders(o, buf[:0])
	var out []Violation
	for name := range h {
		if isDeclared(name, declared) {
			continue
		}
		closest := closestHeader(name, declared)
		inNamespace := len(name) > len(stytchPrefix) && sameHeaderName(name[:len(stytchPrefix)], stytchPrefix)
		if !inNamespace && (closest == "" || ordinaryHeader(normalizeHeader(name))) {
			continue
		}
		out = append(out, Violation{
			Operation: o.id, Side: SideRequest, Kind: KindUndocumentedField,
			Location: "header:" + name,
			Message:  undeclaredHeaderMessage(name, closest, declared),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Location < out[j].Location })
	return out
}

// stytchPrefix starts every header in Stytch's namespace.
const stytchPrefix = "x-stytch-"

// undeclaredHeaderMessage says why name is flagged: the declared header it
// resembles, or else that it is in Stytch's namespace.
func undeclaredHeaderMessage(name, closest string, declared []string) string {
	msg := "request header " + Escape(name) + " is not declared by the operation"
	switch {
	case closest != "":
		msg += "; it resembles the declared " + Escape(closest)
	case len(declared) == 0:
		msg += ", which declares no header, yet it is in Stytch's X-Stytch- namespace"
	default:
		msg += ", yet it is in Stytch's X-Stytch- namespace (declared: " + Escape(strings.Join(declared, ", ")) + ")"
	}
	return msg + "; Stytch ignores a header it does not know"
}

// declaredRequestHeaders appends to dst, sorted, the header names o's
// request may carry by the spec: its header parameters (the path item's
// included) and the headers of its apiKey security schemes.
func declaredRequestHeaders(o *operation, dst []string) []string {
	var pathParams openapi3.Parameters
	if o.kin != nil && o.kin.PathItem != nil {
		pathParams = o.kin.PathItem.Parameters
	}
	for _, params := range [2]openapi3.Parameters{pathParams, o.op.Parameters} {
		for _, p := range params {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
				dst = append(dst, p.Value.Name)
			}
		}
	}
	if o.kin != nil && o.kin.Spec != nil {
		reqs := o.kin.Spec.Security
		if o.op.Security != nil {
			reqs = *o.op.Security
		}
		var schemes openapi3.SecuritySchemes
		if o.kin.Spec.Components != nil {
			schemes = o.kin.Spec.Components.SecuritySchemes
		}
		for _, req := range reqs {
			for scheme := range req {
				if s := schemes[scheme]; s != nil && s.Value != nil && s.Value.Type == "apiKey" && s.Value.In == "header" {
					dst = append(dst, s.Value.Name)
				}
			}
		}
	}
	sort.Strings(dst)
	return dst
}

// isDeclared reports whether name is one of declared, ignoring case as
// HTTP does.
func isDeclared(name string, declared []string) bool {
	for _, d := range declared {
		if strings.EqualFold(name, d) {
			return true
		}
	}
	return false
}

// foldHeaderByte is how header names are compared for near misses: ASCII
// case ignored, an underscore read as a hyphen.
func foldHeaderByte(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c + 'a' - 'A'
	case c == '_':
		return '-'
	}
	return c
}

// sameHeaderName reports whether a and b are the same name under
// foldHeaderByte.
func sameHeaderName(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if foldHeaderByte(a[i]) != foldHeaderByte(b[i]) {
			return false
		}
	}
	return true
}

// normalizeHeader is name under foldHeaderByte.
func normalizeHeader(name string) string {
	b := []byte(name)
	for i, c := range b {
		b[i] = foldHeaderByte(c)
	}
	return string(b)
}

// closestHeader returns the declared name nearest to name when it is at
// most maxHeaderEdits away (under foldHeaderByte), "" otherwise; the first
// in declared's order on a tie.
func closestHeader(name string, declared []string) string {
	best, bestDist := "", maxHeaderEdits+1
	for _, d := range declared {
		if dist := editDistance(name, d, bestDist-1); dist < bestDist {
			best, bestDist = d, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes, under
// foldHeaderByte) when it is at most limit, and limit+1 otherwise; it gives
// up as soon as the distance must exceed limit, so long names cost little.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	var rows [2][64]int
	prev, cur := rows[0][:], rows[1][:]
	if len(b)+1 > len(prev) {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if foldHeaderByte(a[i-1]) == foldHeaderByte(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}

// ordinaryHeader reports whether norm (a name under foldHeaderByte) is a
// header of HTTP itself (HTTP/2 pseudo-headers included, as HAR exports
// list them), of browsers, proxies, CDNs or tracing systems: never
// flagged, even when it happens to be close to a name the operation
// declares.
func ordinaryHeader(norm string) bool {
	if strings.HasPrefix(norm, ":") {
		return true
	}
	switch norm {
	case "accept", "accept-charset", "accept-encoding", "accept-language", "authorization",
		"cache-control", "connection", "content-encoding", "content-language", "content-length",
		"content-md5", "content-type", "cookie", "date", "dnt", "expect", "forwarded", "from",
		"host", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
		"keep-alive", "max-forwards", "origin", "pragma", "priority", "proxy-authorization",
		"range", "referer", "te", "trailer", "transfer-encoding", "upgrade",
		"upgrade-insecure-requests", "user-agent", "via", "warning",
		"idempotency-key", "x-idempotency-key",
		"traceparent", "tracestate", "baggage", "b3", "sentry-trace", "request-id",
		"x-request-id", "x-correlation-id", "x-amzn-trace-id", "x-cloud-trace-context",
		"x-real-ip", "x-requested-with", "x-csrf-token", "x-xsrf-token", "x-api-key",
		"true-client-ip", "uber-trace-id", "newrelic", "x-newrelic-id", "x-client-ip":
		return true
	}
	for _, prefix := range []string{
		"sec-", "access-control-", "x-forwarded-", "x-b3-", "x-datadog-", "x-amz-", "x-envoy-",
		"cf-", "x-ot-", "x-cloud-", "x-vercel-", "fastly-", "x-ms-", "ot-",
	} {
		if strings.HasPrefix(norm, prefix) {
			return true
		}
	}
	return false
}
