package specdiff_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

// samlResponse is a 200 body of the SAML update whose connection carries
// the extra members given (JSON text, without braces).
func samlResponse(extra string) []byte {
	return []byte(`{"request_id": "request-id-test-1", "status_code": 200, "connection": {"organization_id": "organization-test-1", ` + extra + `}}`)
}

// learn proposes what SAML update responses whose connection carries the
// field "learned" with each of the values (JSON text) imply.
func learn(t *testing.T, values ...string) *specdiff.Proposal {
	t.Helper()
	doc, err := api.Document()
	require.NoError(t, err)
	l := specdiff.NewLearner(doc)
	for _, v := range values {
		l.Observe(samlOp, 200, nil, samlResponse(`"learned": `+v))
	}
	p, err := l.Propose(api.YAML())
	require.NoError(t, err)
	return p
}

// TestLearnerInfersSchemas: the schema written is the one every value seen
// implies: a format only when every string matches it, nullable when null
// was seen, integer and number together as number, arrays and objects
// recursively. No value reaches the spec.
func TestLearnerInfersSchemas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string // JSON values of the field "learned", one per response
		want   string   // the schema written under it, after the description
	}{
		{"date-time", []string{`"2026-03-07T11:12:13Z"`, `"2026-02-01T08:30:00.5+01:00"`}, "          type: string\n          format: date-time\n"},
		{"uuid", []string{`"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"`}, "          type: string\n          format: uuid\n"},
		{"email", []string{`"it@corp.example"`, `"ops@corp.example"`}, "          type: string\n          format: email\n"},
		{"uri", []string{`"https://corp.example/x"`}, "          type: string\n          format: uri\n"},
		{"mixed strings: no format", []string{`"2026-03-07T11:12:13Z"`, `"soon-ish"`}, "          type: string\n"},
		{"nullable", []string{`null`, `"plainly-unique"`}, "          type: string\n          nullable: true\n"},
		{"integer and number", []string{`1`, `2.5`}, "          type: number\n"},
		{"integer", []string{`1`, `20`}, "          type: integer\n"},
		{"array of objects", []string{`[{"id": 1, "tags": ["a"]}]`, `[]`}, "          type: array\n          items:\n            type: object\n            properties:\n              id:\n                type: integer\n              tags:\n                type: array\n                items:\n                  type: string\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := learn(t, tt.values...)
			assert.Empty(t, p.Decisions)
			require.Len(t, p.Additions, 1)
			assert.Equal(t, specdiff.Addition{Operation: samlOp, Where: "response 200", Pointer: "/connection/learned", What: "property learned from traffic"}, p.Additions[0])
			desc := fmt.Sprintf("          description: Learned from traffic (%d value(s) seen); not documented by Stytch.\n", len(tt.values))
			got := string(p.Spec)
			assert.True(t, strings.Contains(got, "        learned:\n"), "the property is written")
			block := got[strings.Index(got, "        learned:\n"):]
			block = block[:strings.Index(block, "      example:")]
			assert.Equal(t, "        learned:\n"+withDescription(tt.want, desc), block)
			for _, v := range tt.values {
				if s := strings.Trim(v, `"`); v[0] == '"' {
					require.NotContains(t, string(api.YAML()), s, "a fixture value is not in our spec already")
					assert.False(t, strings.Contains(got, s), "the value %s was copied into the spec", v)
				}
			}
		})
	}
}

// withDescription puts desc after the type facts of a schema block (type,
// format, nullable), where the learner writes it.
func withDescription(schema, desc string) string {
	lines := strings.SplitAfter(schema, "\n")
	i := 0
	for i < len(lines) && (strings.HasPrefix(lines[i], "          type:") || strings.HasPrefix(lines[i], "          format:") || strings.HasPrefix(lines[i], "          nullable:")) {
		i++
	}
	return strings.Join(lines[:i], "") + desc + strings.Join(lines[i:], "")
}

// TestLearnerDecisions: a field seen with two types, or only as null, is
// listed for a person and not written.
func TestLearnerDecisions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"two types", []string{`"7"`, `7`}, "traffic: integer and string at /connection/learned"},
		{"two types inside an object", []string{`{"a": true}`, `{"a": "yes"}`}, "traffic: boolean and string at /connection/learned/a"},
		{"only null", []string{`null`}, "traffic: only null at /connection/learned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := learn(t, tt.values...)
			assert.Empty(t, p.Additions)
			assert.Equal(t, string(api.YAML()), string(p.Spec), "the spec is untouched")
			require.Len(t, p.Decisions, 1)
			assert.Equal(t, "/connection/learned", p.Decisions[0].Pointer)
			assert.Equal(t, tt.want, p.Decisions[0].Upstream)
		})
	}
}

// TestLearnerIgnoresWhatTheSpecAllows: declared fields, free-form maps
// (attribute_mapping) and fields of requests are not learned; a known enum
// value is not added again.
func TestLearnerIgnoresWhatTheSpecAllows(t *testing.T) {
	t.Parallel()
	doc, err := api.Document()
	require.NoError(t, err)
	l := specdiff.NewLearner(doc)
	l.Observe(samlOp, 200, []byte(`{"identity_provider": "okta", "organization_id": "organization-test-1"}`),
		samlResponse(`"display_name": "x", "attribute_mapping": {"anything": "goes"}`))
	p, err := l.Propose(api.YAML())
	require.NoError(t, err)
	assert.True(t, p.Empty(), "%+v", p)
	assert.Equal(t, 1, l.Exchanges())
}

// TestLearnerStatuses: an undeclared error status gets our ErrorResponse
// body; an undeclared success status the schema its bodies imply, written
// in place.
func TestLearnerStatuses(t *testing.T) {
	t.Parallel()
	doc, err := api.Document()
	require.NoError(t, err)
	l := specdiff.NewLearner(doc)
	l.Observe(samlOp, 202, nil, []byte(`{"request_id": "request-id-test-9", "job_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}`))
	l.Observe(samlOp, 409, nil, []byte(`{"status_code": 409, "request_id": "request-id-test-9", "error_type": "x", "error_message": "y", "error_url": "https://stytch.com/docs/api/errors/409"}`))
	p, err := l.Propose(api.YAML())
	require.NoError(t, err)
	assert.Empty(t, p.Decisions)
	var where []string
	for _, a := range p.Additions {
		where = append(where, a.Where+": "+a.What)
	}
	assert.Equal(t, []string{"response 202: status learned from traffic", "response 409: status learned from traffic (our ErrorResponse body)"}, where)
	assert.Contains(t, string(p.Spec), "        '202':\n"+
		"          description: 'Accepted. Learned from traffic: the spec did not declare this status.'\n"+
		"          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n"+
		"                  job_id:\n                    type: string\n                    format: uuid\n"+
		"                  request_id:\n                    type: string\n"+
		"        '400':\n")
	assert.Contains(t, string(p.Spec), "        '409':\n          $ref: '#/components/responses/Conflict'\n")
}

// TestLearnerCopiesNoCaptureValue: canary values of a capture (a session
// JWT, an email, a secret used as a map key) never reach the spec, not as
// an enum value nor as a property name: a value sent in a request the API
// rejected is no enum value, and what does not look like a name is a
// decision that does not show it. An exchange without a status (a HAR
// entry of a request that never got a response: status 0) declares no
// response.
func TestLearnerCopiesNoCaptureValue(t *testing.T) {
	t.Parallel()
	const (
		jwt    = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZW1iZXItdGVzdC0xIn0.c2VjcmV0LWNhbmFyeQ"
		email  = "jane.canary@corp.example"
		secret = "secret-test-CANARY0123456789abcdefABCDEF="
	)
	doc, err := api.Document()
	require.NoError(t, err)
	l := specdiff.NewLearner(doc)
	l.Observe(samlOp, 400, []byte(`{"identity_provider": "rejected-canary"}`), []byte(`{"status_code": 400}`))
	l.Observe(samlOp, 200, []byte(`{"identity_provider": "`+jwt+`"}`), samlResponse(`"display_name": "x"`))
	l.Observe(samlOp, 200, []byte(`{"identity_provider": "`+email+`"}`), samlResponse(`"owners": {"`+secret+`": {"role": "admin"}}`))
	l.Observe(samlOp, 0, nil, nil)
	p, err := l.Propose(api.YAML())
	require.NoError(t, err)
	for _, canary := range []string{jwt, email, secret, "rejected-canary"} {
		assert.False(t, strings.Contains(string(p.Spec), canary), "%s reached the spec", canary)
		for _, d := range p.Decisions {
			assert.NotContains(t, fmt.Sprint(d), canary, "a decision does not show the value")
		}
		for _, a := range p.Additions {
			assert.NotContains(t, fmt.Sprint(a), canary)
		}
	}
	assert.False(t, strings.Contains(string(p.Spec), "'0':"), "no status 0")
	assert.Empty(t, p.Additions, "%+v", p.Additions)
	assert.Len(t, p.Decisions, 2, "the enum values and the map keyed by a secret: %+v", p.Decisions)
}
