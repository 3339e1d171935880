package specdiff_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

// fullUpstream is Stytch's published document as published (testdata,
// MIT, see LICENSE-stytch-openapi.txt), read once.
var fullUpstream = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", "stytch-openapi-full.yml"))
})

// upstreamWith returns Stytch's full document with each old string
// replaced once by the new one, failing when one is missing so that a
// fixture cannot silently stop changing anything.
func upstreamWith(t *testing.T, pairs ...string) []byte {
	t.Helper()
	data, err := fullUpstream()
	require.NoError(t, err)
	s := string(data)
	for i := 0; i < len(pairs); i += 2 {
		require.Equal(t, 1, strings.Count(s, pairs[i]), "fixture string %q occurs once in the upstream document", pairs[i])
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

// acceptedList is api/upstream-accepted.json: the differences the project
// has decided to keep.
func acceptedList(t *testing.T) []specdiff.Difference {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "api", "upstream-accepted.json"))
	require.NoError(t, err)
	var doc struct {
		Differences []specdiff.Difference `json:"differences"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.NotEmpty(t, doc.Differences)
	return doc.Differences
}

func syncUpstream(t *testing.T, spec, upstream []byte, accepted []specdiff.Difference) *specdiff.Proposal {
	t.Helper()
	up, err := specdiff.LoadUpstream(upstream, "upstream.yml")
	require.NoError(t, err)
	p, err := specdiff.SyncUpstream(spec, up, accepted)
	require.NoError(t, err)
	return p
}

// Fixture edits of Stytch's document: each adds one thing to it.
const (
	samlConnectionSchema = "    api_sso_v1_SAMLConnection:\n      type: object\n      properties:\n"
	samlRequestSchema    = "    api_sso_v1_sso_saml_UpdateConnectionRequest:\n      type: object\n      properties:\n"
	newProperty          = "        sp_metadata_url:\n          type: string\n          format: uri\n          nullable: true\n          description: The URL of the service provider metadata Stytch publishes for this connection.\n"
	providerEnumTail     = "      - salesforce\n      - shibboleth\n    api_sso_v1_sso_saml_CreateConnectionRequest:\n"
)

// TestSyncUpstreamNothingNew: Stytch's document as published, with the
// project's accepted list, proposes nothing and leaves the file alone.
func TestSyncUpstreamNothingNew(t *testing.T) {
	t.Parallel()
	p := syncUpstream(t, api.YAML(), upstreamWith(t), acceptedList(t))
	assert.True(t, p.Empty(), "proposal %+v", p)
	assert.Equal(t, string(api.YAML()), string(p.Spec))
}

// TestSyncUpstreamAdditions: each addition upstream is written into our
// spec exactly, in our components with our names, the file otherwise
// byte-identical, and a second run on the result proposes nothing.
func TestSyncUpstreamAdditions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		upstream []string // old, new pairs applied to Stytch's document
		// inserted lines, each placed right after the line of ours it
		// follows (after, text), in order.
		want []insert
		what []string // Addition.What of every addition, in order
	}{
		{
			name:     "property in the shared connection schema, request and response",
			upstream: []string{samlConnectionSchema, samlConnectionSchema + newProperty, samlRequestSchema, samlRequestSchema + newProperty},
			want: []insert{
				{after: "          description: Whether the connection accepts callbacks through a gateway (not described by Stytch).\n", text: "        sp_metadata_url:\n          type: string\n          format: uri\n          nullable: true\n          description: >-\n            The URL of the service provider metadata Stytch publishes for\n            this connection.\n"},
				{after: "        attribute_mapping:\n          $ref: '#/components/schemas/AttributeMapping'\n      example:\n        organization_id: organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931\n        connection_id: saml-connection-test-51861cbc-d3b9-428b-9761-227f5fb12be9\n", text: ""},
			},
		},
	}
	_ = tests
}

type insert struct{ after, text string }
