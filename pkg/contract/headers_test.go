package contract

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUndeclaredStytchHeaders holds strict mode's header check: a request
// header the operation does not declare is flagged when it is in Stytch's
// namespace or a near miss of a declared header, naming the header and the
// one it resembles and never its value; ordinary headers and what Stytch's
// SDKs really send pass.
func TestUndeclaredStytchHeaders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	strict := newValidator(t, WithStrict(true))
	lenient := newValidator(t)
	const secret = "member-session-token-CANARY"

	flagged := []struct {
		header, resembles string
	}{
		{"X-Stytch-Member-Sesion", "X-Stytch-Member-Session"},         // one letter off
		{"x-stytch-member-sesion", "X-Stytch-Member-Session"},         // any case
		{"X-Stytch-Member-Session-JWT", "X-Stytch-Member-SessionJWT"}, // one inserted
		{"X-Stytch-Member-Sessoinjwt", "X-Stytch-Member-SessionJWT"},  // two swapped
		{"X_Stytch_Member_Session", "X-Stytch-Member-Session"},        // underscores
		{"Stytch-Member-Session", "X-Stytch-Member-Session"},          // outside the namespace, near miss
		{"X-Stytch-Organization", ""},                                 // the namespace, nothing near
		{"X-Stytch-Member-Token", ""},
	}
	for _, tt := range flagged {
		p := samlPair(t)
		p.RequestHeader = p.RequestHeader.Clone()
		p.RequestHeader[tt.header] = []string{secret} // as a capture may spell it
		vs := strict.Validate(ctx, p)
		require.Len(t, vs, 1, "%s: %v", tt.header, vs)
		v := vs[0]
		assert.Equal(t, SideRequest, v.Side, tt.header)
		assert.Equal(t, KindUndocumentedField, v.Kind, tt.header)
		assert.Equal(t, "header:"+tt.header, v.Location)
		assert.Contains(t, v.Message, tt.header)
		if tt.resembles != "" {
			assert.Contains(t, v.Message, "resembles the declared "+tt.resembles, tt.header)
		} else {
			assert.Contains(t, v.Message, "X-Stytch- namespace", tt.header)
			assert.Contains(t, v.Message, "declared: X-Stytch-Member-Session, X-Stytch-Member-SessionJWT", tt.header)
		}
		assert.NotContains(t, v.String(), secret)
		assert.Empty(t, lenient.Validate(ctx, p), "%s: only strict mode flags headers", tt.header)
	}

	// What Stytch's SDKs send (Go, Node, Python: User-Agent, Content-Type,
	// Authorization, the member session headers, in Go's canonical and in
	// the Node SDK's spelling), what Go's transport adds, and the ordinary
	// headers of browsers, proxies and tracing systems.
	clean := samlPair(t)
	clean.RequestHeader = clean.RequestHeader.Clone()
	for name, value := range map[string]string{
		"User-Agent":                 "Stytch Go v18.1.0",
		"X-Stytch-Member-Session":    secret,
		"X-Stytch-Member-Sessionjwt": secret, // http.CanonicalHeaderKey's spelling
		"x-stytch-member-sessionjwt": secret, // a HAR's
		"Accept":                     "application/json",
		"Accept-Encoding":            "gzip",
		"Content-Length":             "2",
		"Traceparent":                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		"Tracestate":                 "x",
		"Baggage":                    "x",
		"X-Request-Id":               "x",
		"X-Amzn-Trace-Id":            "x",
		"X-B3-Traceid":               "x",
		"X-Forwarded-For":            "x",
		"Sec-Fetch-Mode":             "x",
		"Origin":                     "x",
		"Referer":                    "x",
		"Cookie":                     "x",
		"Idempotency-Key":            "x",
		"X-Custom-Thing":             "x", // someone else's header: not Stytch's business
	} {
		clean.RequestHeader[name] = []string{value}
	}
	assert.Empty(t, strict.Validate(ctx, clean))
}

// TestOrdinaryHeadersNearADeclaredOne: a spec may declare short headers;
// an ordinary HTTP header a letter away from one is still never flagged,
// while an unknown one is.
func TestOrdinaryHeadersNearADeclaredOne(t *testing.T) {
	t.Parallel()
	y := string(specYAML())
	y = strings.Replace(y, "      name: X-Stytch-Member-SessionJWT\n", "      name: Traceparents\n", 1)
	y = strings.Replace(y, "      name: X-Stytch-Member-Session\n", "      name: Origins\n", 1)
	require.Equal(t, 2, strings.Count(y, "name: Traceparents\n")+strings.Count(y, "name: Origins\n"))
	v := newValidator(t, WithStrict(true), WithDocument(parseSpec(t, y)))
	p := samlPair(t)
	p.RequestHeader = p.RequestHeader.Clone()
	p.RequestHeader.Set("Origin", "x")      // one edit from Origins, ordinary
	p.RequestHeader.Set("Traceparent", "x") // one edit from Traceparents, ordinary
	assert.Empty(t, v.Validate(context.Background(), p))

	p.RequestHeader.Set("Origns", "x")
	vs := v.Validate(context.Background(), p)
	require.Len(t, vs, 1)
	assert.Equal(t, "header:Origns", vs[0].Location)
	assert.Contains(t, vs[0].Message, "resembles the declared Origins")
}

// TestHeadersOfAPIKeySchemesAreDeclared: a header an apiKey security
// scheme names is declared like a header parameter, so a near miss of it
// is flagged; HTTP/2 pseudo-headers, as HAR exports list them, never are,
// even one edit away from a declared header (:authority, Authority).
func TestHeadersOfAPIKeySchemesAreDeclared(t *testing.T) {
	t.Parallel()
	doc := parseSpec(t, `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    put:
      operationId: UpdateThing
      security: [{token: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: Authority, in: header, schema: {type: string}}
      responses:
        '204': {description: done}
components:
  securitySchemes:
    token: {type: apiKey, in: header, name: X-Api-Token}
`)
	v := newValidator(t, WithStrict(true), WithDocument(doc))
	p := &Pair{Method: http.MethodPut, URL: "https://example.com/things/1", StatusCode: 204, Index: -1,
		RequestHeader: http.Header{"X-Api-Token": {"t"}, ":authority": {"example.com"}, ":path": {"/things/1"}}}
	assert.Empty(t, v.Validate(context.Background(), p))

	p.RequestHeader = http.Header{"X-Api-Token": {"t"}, "X-Api-Tokn": {"t"}}
	vs := v.Validate(context.Background(), p)
	require.Len(t, vs, 1, "%v", vs)
	assert.Equal(t, "header:X-Api-Tokn", vs[0].Location)
	assert.Contains(t, vs[0].Message, "resembles the declared X-Api-Token")
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"", "", 2, 0},
		{"abc", "abc", 2, 0},
		{"abc", "abd", 2, 1},
		{"abc", "ab", 2, 1},
		{"abcd", "bacd", 2, 2},      // a swap is two edits
		{"kitten", "sitting", 2, 3}, // 3 edits: beyond the limit
		{"kitten", "sitting", 3, 3},
		{"a", "abcdef", 2, 3}, // lengths too far apart
		{strings.Repeat("x", 10000), strings.Repeat("y", 10000), 2, 3},
	} {
		assert.Equal(t, tt.want, editDistance(tt.a, tt.b, tt.limit), "%q %q", tt.a, tt.b)
	}
}
