package coverage_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
)

func findCount(cs []coverage.Count, name string) (coverage.Count, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return coverage.Count{}, false
}

// validPairs returns the default validator and the pairs of the clean HAR
// fixture.
func validPairs(t *testing.T) (*contract.Validator, []contract.Pair) {
	t.Helper()
	v, err := contract.New()
	require.NoError(t, err)
	pairs, err := capture.LoadPath("../capture/testdata/har/valid.har")
	require.NoError(t, err)
	return v, pairs
}

func TestCoverage(t *testing.T) {
	t.Parallel()
	v, pairs := validPairs(t)

	cov := coverage.New(v)
	add := func(p *contract.Pair) { cov.Add(p, v.Route(p)) }
	for i := range pairs {
		add(&pairs[i])
	}
	// An undeclared field, an undeclared status and an unknown path.
	h := http.Header{"Content-Type": {"application/json"}}
	add(&contract.Pair{Method: "PUT", URL: "https://x.test/v1/b2b/sso/external/o/connections/c", StatusCode: 418,
		RequestHeader: h, RequestBody: []byte(`{"display_name":"x","surprise":{"deep":1}}`), ResponseHeader: h})
	add(&contract.Pair{Method: "GET", URL: "https://x.test/nowhere", StatusCode: 200})

	rep := cov.Report()
	assert.Equal(t, 5, rep.Pairs)
	assert.Equal(t, 1, rep.UnmatchedPairs)
	require.Len(t, rep.Operations, 2)
	ext, saml := rep.Operations[0], rep.Operations[1]
	assert.Equal(t, "UpdateExternalConnection", ext.OperationID)
	assert.Equal(t, "UpdateSAMLConnection", saml.OperationID)
	assert.Equal(t, 2, ext.Pairs)
	assert.Equal(t, 2, saml.Pairs)

	tests := []struct {
		name      string
		cs        []coverage.Count
		key       string
		declared  bool
		exercised int
	}{
		{"status 200 exercised", saml.Statuses, "200", true, 1},
		{"status 404 exercised", saml.Statuses, "404", true, 1},
		{"status 429 declared only", saml.Statuses, "429", true, 0},
		{"undeclared status", ext.Statuses, "418", false, 1},
		{"array items normalised", saml.ResponseFields, "200 /connection/signing_certificates/*/issuer", true, 1},
		{"free-form map is a leaf", saml.RequestFields, "/attribute_mapping", true, 1},
		{"error body field", saml.ResponseFields, "404 /error_type", true, 1},
		{"declared, not sent", saml.RequestFields, "/saml_encryption_private_key", true, 0},
		{"undeclared request field", ext.RequestFields, "/surprise", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := findCount(tt.cs, tt.key)
			require.True(t, ok, "%s not listed", tt.key)
			assert.Equal(t, tt.declared, c.Declared)
			assert.Equal(t, tt.exercised, c.Exercised)
		})
	}
	_, ok := findCount(saml.RequestFields, "/attribute_mapping/email")
	assert.False(t, ok, "keys of a free-form map are not fields")
	_, ok = findCount(ext.RequestFields, "/surprise/deep")
	assert.False(t, ok, "undeclared fields are not descended")

	assert.Equal(t, 2, saml.StatusesCovered)
	assert.Equal(t, 7, saml.StatusesDeclared)
	assert.InDelta(t, 28.6, saml.StatusPercent, 0.01)

	var out bytes.Buffer
	require.NoError(t, rep.WriteText(&out))
	assert.Contains(t, out.String(), "UpdateSAMLConnection      2      2/7 (28.6%)")
	assert.Contains(t, out.String(), "1 pair(s) matched no operation")
	assert.Contains(t, out.String(), "request /surprise (1)")
	assert.Contains(t, out.String(), "response 429 (all 6 fields: status never exercised)")
}

// Stytch's published spec gives one operationId to two operations: coverage
// names them as the validator does, by method and path, and keeps both.
func TestCoverageKeepsOperationsWhoseIDsCollide(t *testing.T) {
	t.Parallel()
	doc, warnings, err := contract.LoadSpec("../testdata/stytch-openapi-full.yml")
	require.NoError(t, err)
	require.NotEmpty(t, warnings)
	v, err := contract.New(contract.WithDocument(doc))
	require.NoError(t, err)
	declared := 0
	for _, item := range doc.Paths.Map() {
		declared += len(item.Operations())
	}
	rep := coverage.New(v).Report()
	require.Len(t, rep.Operations, declared, "one row per operation of the spec")
	names := map[string]bool{}
	for _, op := range rep.Operations {
		assert.False(t, names[op.OperationID], "%s appears twice", op.OperationID)
		names[op.OperationID] = true
	}
	assert.True(t, names["POST /v1/magic_links/authenticate"])
	assert.True(t, names["POST /v1/b2b/magic_links/authenticate"])
	assert.False(t, names["api_magic_v1_Authenticate"], "a colliding operationId names neither operation")
}

// A pair is counted under the operation its route names, so a path spelled
// with percent-encoded unreserved characters counts as the spec's path.
func TestCoverageFollowsTheRoute(t *testing.T) {
	t.Parallel()
	v, pairs := validPairs(t)
	p := pairs[0]
	p.URL = strings.Replace(p.URL, "/v1/b2b/sso/saml/", "/%76%31/b2b/sso/%73aml/", 1)
	require.NotEqual(t, pairs[0].URL, p.URL)
	cov := coverage.New(v)
	cov.Add(&p, v.Route(&p))
	rep := cov.Report()
	assert.Equal(t, 0, rep.UnmatchedPairs)
	for _, op := range rep.Operations {
		want := 0
		if op.OperationID == "UpdateSAMLConnection" {
			want = 1
		}
		assert.Equal(t, want, op.Pairs, op.OperationID)
	}
}
