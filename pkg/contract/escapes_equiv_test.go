package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stytchsso/stytchsso/internal/testutil"
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

// FuzzEscapedStringsMatchKinOpenAPI puts the fuzzer's string, as the raw
// contents of a JSON string literal (escapes and all), where the walker
// reads values: an enum (identity_provider), a plain string (display_name),
// an undeclared key, and a date-time in the response. Whatever it is, even
// not valid JSON, the compiled walker must find exactly what kin-openapi's
// body validation finds. Only bodies with data after their JSON value are
// left out (a quote or escape in s can close a literal early): the walker
// rejects them and kin-openapi's decoder ignores the rest, a difference
// older than this test and not about strings.
func FuzzEscapedStringsMatchKinOpenAPI(f *testing.F) {
	for _, s := range testutil.JSONStringSeeds {
		f.Add(s)
	}
	f.Add(`\u006fkt\u0061`)
	f.Add(`2026-01-05T10:00:00\u005a`)
	f.Add(`Display_Name`)      // a second key for display_name, ignoring case
	f.Add(`\u0044isplay_name`) // the same, escaped
	f.Add(`IDENTITY_PROVIDER`)
	fast, err := New(WithStrict(true))
	require.NoError(f, err)
	ref, err := New(WithStrict(true), WithCompiledBodies(false))
	require.NoError(f, err)
	base := samlPair(&testing.T{})
	f.Fuzz(func(t *testing.T, s string) {
		p := *base
		req := string(base.RequestBody)
		req = strings.Replace(req, `"identity_provider":"okta"`, `"identity_provider":"`+s+`"`, 1)
		req = strings.Replace(req, `"display_name":"Acme Okta"`, `"display_name":"`+s+`","`+s+`":1`, 1)
		p.RequestBody = []byte(req)
		p.ResponseBody = []byte(strings.Replace(string(base.ResponseBody), `"created_at":"2026-01-05T10:00:00Z"`, `"created_at":"`+s+`"`, 1))
		if trailingData(p.RequestBody) || trailingData(p.ResponseBody) {
			t.Skip()
		}
		require.Equal(t, ref.Validate(context.Background(), &p), fast.Validate(context.Background(), &p))
	})
}

// trailingData reports whether b is one JSON value followed by more data.
func trailingData(b []byte) bool {
	if json.Valid(b) {
		return false
	}
	var v any
	return json.NewDecoder(bytes.NewReader(b)).Decode(&v) == nil
}
