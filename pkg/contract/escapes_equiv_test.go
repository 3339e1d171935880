package contract

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEscapedStringsMatchKinOpenAPI checks the walker's own string decoding
// where values are read: escaped keys (declared, undeclared, required),
// escaped enum values and formats, and captured values the invariants
// compare. The compiled walker must find exactly what kin-openapi's body
// validation finds (which decodes with encoding/json), and each case says
// whether there is a violation at all, so that a case cannot pass by both
// finding nothing.
func TestEscapedStringsMatchKinOpenAPI(t *testing.T) {
	t.Parallel()
	fast := newValidator(t, WithStrict(true))
	ref := newValidator(t, WithStrict(true), WithCompiledBodies(false))
	for _, tc := range []struct {
		name      string
		req, resp [2]string // replace [0] with [1] in the body's JSON text
		want      []string  // the violations' locations, fast path
	}{
		{name: "escaped enum value", req: [2]string{`"identity_provider":"okta"`, `"identity_provider":"\u006fkt\u0061"`}},
		{name: "escaped enum value not allowed", req: [2]string{`"identity_provider":"okta"`, `"identity_provider":"\u006fkt\u0061x"`},
			want: []string{"/identity_provider"}},
		{name: "escaped declared key", req: [2]string{`"display_name"`, `"display\u005fname"`}},
		{name: "escaped undeclared key", req: [2]string{`"display_name"`, `"display\u005fnom"`},
			want: []string{"/display_nom"}},
		{name: "escaped required key", resp: [2]string{`"status_code"`, `"status\u005fcode"`}},
		{name: "escaped date-time", resp: [2]string{`"created_at":"2026-01-05T10:00:00Z"`, `"created_at":"2026-01-05T10:00:00\u005a"`}},
		{name: "escaped date-time invalid", resp: [2]string{`"created_at":"2026-01-05T10:00:00Z"`, `"created_at":"2026-01-05T10:00:00\u005a\n"`},
			want: []string{"/connection/encryption_private_keys/0/created_at", "/connection/signing_certificates/0/created_at", "/connection/verification_certificates/0/created_at"}},
		{name: "lone surrogate in a date-time", resp: [2]string{`"created_at":"2026-01-05T10:00:00Z"`, `"created_at":"\ud800"`},
			want: []string{"/connection/encryption_private_keys/0/created_at", "/connection/signing_certificates/0/created_at", "/connection/verification_certificates/0/created_at"}},
		{name: "escaped captured ID equal to the path's", resp: [2]string{`"connection_id":"saml-connection-test-`, `"connection_id":"saml\u002dconnection-test-`}},
		{name: "escaped captured ID unlike the path's", resp: [2]string{`"connection_id":"saml-connection-test-`, `"connection_id":"saml\u002bconnection-test-`},
			want: []string{"/connection/acs_url", "/connection/audience_uri", "/connection/connection_id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := samlPair(t)
			for _, r := range []struct {
				body *[]byte
				repl [2]string
			}{{&p.RequestBody, tc.req}, {&p.ResponseBody, tc.resp}} {
				if r.repl[0] == "" {
					continue
				}
				require.Contains(t, string(*r.body), r.repl[0])
				*r.body = []byte(strings.ReplaceAll(string(*r.body), r.repl[0], r.repl[1]))
			}
			got := fast.Validate(context.Background(), p)
			var locs []string
			for _, v := range got {
				locs = append(locs, v.Location)
			}
			assert.Equal(t, tc.want, locs)
			if !strings.Contains(tc.name, "captured") {
				// Invariants read captures in both modes; only bodies differ.
				assert.Equal(t, ref.Validate(context.Background(), p), got)
			}
		})
	}
}
