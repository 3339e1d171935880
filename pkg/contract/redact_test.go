package contract

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/scrub"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// secretName stands for a secret a peer echoes as a name.
const secretName = "SECRETNAME-e9d1"

// redactSecretName is a Pair.Redact that knows secretName, counting its calls.
func redactSecretName(calls *int) func(string) string {
	return func(s string) string {
		*calls++
		return strings.ReplaceAll(s, secretName, "[gone]")
	}
}

// TestPairRedactAppliesToEveryViolation: the names a peer chose (a response
// field, a request header, a path) reach a violation's location, message
// and path only through the pair's Redact.
func TestPairRedactAppliesToEveryViolation(t *testing.T) {
	t.Parallel()
	v := newValidator(t, WithStrict(true))
	p := externalPair(t)
	p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["x_"+secretName] = 1 })
	p.RequestHeader["X-Stytch-"+secretName] = []string{"1"}
	unknown := externalPair(t) // a near miss: a trailing "/"
	unknown.URL = "https://test.stytch.com/v1/b2b/sso/external/" + testOrgID + "/connections/" + secretName + "/"

	for _, pair := range []*Pair{p, unknown} {
		calls := 0
		pair.Redact = redactSecretName(&calls)
		vs := v.Validate(context.Background(), pair)
		require.NotEmpty(t, vs)
		assert.Positive(t, calls)
		for _, x := range vs {
			assert.NotContains(t, fmt.Sprintf("%#v %s", x, x), secretName)
			assert.Contains(t, x.Location+x.Message+x.Path, "[gone]", "%s", x)
		}
		pair.Redact = nil
		raw := v.Validate(context.Background(), pair)
		assert.Contains(t, fmt.Sprint(raw), secretName, "without Redact the name is shown: the test can fail")
	}
}

// TestPairRedactCostsNothingOnAConformingPair: Redact is called only for
// violations.
func TestPairRedactCostsNothingOnAConformingPair(t *testing.T) {
	t.Parallel()
	calls := 0
	p := externalPair(t)
	p.Redact = redactSecretName(&calls)
	require.Empty(t, newValidator(t, WithStrict(true)).Validate(context.Background(), p))
	assert.Zero(t, calls)
}

// TestViolationsLoseSecretShapes: with no Redact (a capture checked in CI),
// a field named like a JWT or a session token is reported under
// scrub.Marker, and ordinary undeclared names are reported as they are.
func TestViolationsLoseSecretShapes(t *testing.T) {
	t.Parallel()
	const (
		jwt   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlkifQ.c2lnbmF0dXJlLXNpZw"
		token = "CANARYtok3nAbCdEfGhIjKlMnOpQrStUvWxYz0123456"
	)
	require.Len(t, token, 44)
	v := newValidator(t, WithStrict(true))
	for _, name := range []string{jwt, token} {
		p := externalPair(t)
		p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)[name] = 1; conn(m)["brand_new_field"] = 2 })
		vs := v.Validate(context.Background(), p)
		require.Len(t, vs, 2)
		out := fmt.Sprint(vs)
		assert.NotContains(t, out, "CANARY")
		assert.Contains(t, out, "/connection/"+scrub.Marker)
		assert.Contains(t, out, "/connection/brand_new_field")
	}
}

// TestViolationErrorPrintsNoHeaderNorBody: %v, %+v and %#v of a
// *ViolationError show its violations and status, never the peer's header
// or body (%#v used to print both, the body as a list of bytes).
func TestViolationErrorPrintsNoHeaderNorBody(t *testing.T) {
	t.Parallel()
	e := &ViolationError{
		Violations: []Violation{{Operation: "Op", Side: SideResponse, Kind: KindSchema, Location: "/a", Message: "m"}},
		StatusCode: http.StatusOK,
		Header:     http.Header{"X-Echo": {canary}, canary: {"1"}},
		Body:       []byte(`{"echo":"` + canary + `"}`),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, e)
		assert.NotContains(t, out, "CANARY", verb)
		assert.NotContains(t, out, "0x7b", "%s shows the body's bytes", verb)
		assert.Contains(t, out, "/a", verb)
	}
	assert.Contains(t, fmt.Sprintf("%#v", e), "StatusCode:200")
	assert.Equal(t, "(*contract.ViolationError)(nil)", fmt.Sprintf("%#v", (*ViolationError)(nil)))
}

// TestTransportRedactsTheRequestsCredentials: the validating Transport knows
// no secret but those the request carries, and those it redacts: a
// response naming undeclared fields after the Basic password and the
// member session token, hex-encoded, is reported without either, in the
// log, to OnViolation and in the error.
func TestTransportRedactsTheRequestsCredentials(t *testing.T) {
	t.Parallel()
	const (
		password = "secret-test-CANARY-transport-0a1b2c"
		token    = "session-token-CANARY-transport-3d4e5f"
	)
	for _, mode := range []Mode{Monitor, Enforce} {
		body := edit(t, samlPair(t).ResponseBody, func(m map[string]any) {
			conn(m)[hex.EncodeToString([]byte(password))] = 1
			conn(m)[hex.EncodeToString([]byte(token))] = 2
		})
		req, tracker := setup(t, http.StatusOK, body)
		req.SetBasicAuth(testutil.ProjectID, password)
		req.Header.Set("X-Stytch-Member-Session", token)
		var out strings.Builder
		reported := 0
		tr := mustTransport(t, newValidator(t, WithStrict(true)), CheckConfig{Mode: mode,
			Logger: slog.New(slog.NewTextHandler(&out, nil)),
			OnViolation: func(_ context.Context, _ *Pair, vs []Violation) {
				reported += len(vs)
				fmt.Fprintf(&out, "%v %#v\n", vs, vs)
			}}, tracker)
		resp, err := tr.RoundTrip(req)
		if mode == Monitor {
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
		} else {
			require.Error(t, err)
			fmt.Fprintf(&out, "%v %+v %#v\n", err, err, err)
		}
		assert.Equal(t, 2, reported, "%v", mode)
		assert.Equal(t, 2, strings.Count(out.String(), "/connection/"+scrub.Marker+" "), "%v:\n%s", mode, out.String())
		assert.Empty(t, testutil.Reveals(out.String(), "CANARY"), "%v:\n%s", mode, out.String())
	}
}
