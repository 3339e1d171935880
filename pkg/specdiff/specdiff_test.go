package specdiff_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

// mutate returns the embedded spec with each old string replaced once,
// failing when one is missing so fixtures cannot silently stop mutating.
func mutate(t *testing.T, pairs ...string) []byte {
	t.Helper()
	s := string(api.YAML())
	for i := 0; i < len(pairs); i += 2 {
		require.Contains(t, s, pairs[i])
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		newSpec      []byte
		wantBreaking bool
		wantIDs      []string
	}{
		{name: "identical", newSpec: api.YAML()},
		{
			name:         "response property removed",
			newSpec:      mutate(t, "        - acs_url\n", "", "        acs_url:\n          type: string\n          description: Stytch's Assertion Consumer Service URL for this connection, to give to the IdP.\n", ""),
			wantBreaking: true,
			wantIDs:      []string{"response-required-property-removed"},
		},
		{
			name:         "request enum value removed",
			newSpec:      mutate(t, "        - shibboleth\n", ""),
			wantBreaking: true,
			wantIDs:      []string{"request-property-enum-value-removed"},
		},
		{
			name:         "optional request property added",
			newSpec:      mutate(t, "        allow_gateway_callback:\n          type: boolean\n          description: Whether the connection accepts callbacks through a gateway (not described by Stytch).\n", "        allow_gateway_callback:\n          type: boolean\n          description: Whether the connection accepts callbacks through a gateway (not described by Stytch).\n        brand_new:\n          type: string\n"),
			wantBreaking: false,
			wantIDs:      []string{"new-optional-request-property"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep, err := specdiff.Compare(api.YAML(), tt.newSpec, "old.yaml", "new.yaml")
			require.NoError(t, err)
			assert.Equal(t, tt.wantBreaking, rep.HasBreaking())
			var ids []string
			for _, c := range rep.Changes {
				ids = append(ids, c.ID)
			}
			for _, id := range tt.wantIDs {
				assert.Contains(t, ids, id)
			}
			if tt.wantIDs == nil {
				assert.Empty(t, rep.Changes)
			}
			var out bytes.Buffer
			require.NoError(t, rep.WriteText(&out))
			assert.Contains(t, out.String(), "old.yaml -> new.yaml:")
			if tt.wantBreaking {
				assert.Contains(t, out.String(), "breaking changes (")
				assert.True(t, rep.Changes[0].Breaking, "breaking changes come first")
			}
		})
	}
}

func TestCompareRejectsBrokenSpec(t *testing.T) {
	t.Parallel()
	_, err := specdiff.Compare([]byte("openapi: [\n"), api.YAML(), "broken.yaml", "new.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broken.yaml")
}

type diffKey struct{ op, where, ptr, aspect, ours, upstream string }

func keys(diffs []specdiff.Difference) []diffKey {
	out := make([]diffKey, 0, len(diffs))
	for _, d := range diffs {
		op := "saml"
		if strings.Contains(d.Operation, "/external/") {
			op = "external"
		}
		out = append(out, diffKey{op, d.Where, d.Pointer, d.Aspect, d.Ours, d.Upstream})
	}
	return out
}

func TestCompareUpstreamFixture(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/diff/upstream-moved.yaml")
	require.NoError(t, err)
	up, err := specdiff.LoadUpstream(data, "upstream-moved.yaml")
	require.NoError(t, err)
	ours, err := api.Document()
	require.NoError(t, err)

	got := keys(specdiff.CompareUpstream(ours, up))
	for _, want := range []diffKey{
		{"external", "operation", "", "presence", "declared", "absent"},
		{"saml", "request body", "", "body-required", "optional", "required"},
		{"saml", "request body", "/allow_gateway_callback", "presence", "boolean, optional", "absent"},
		{"saml", "request body", "/new_upstream_flag", "presence", "absent", "boolean, optional"},
		{"saml", "request body", "/identity_provider", "enum", "15 values, only here: shibboleth", "15 values, only here: new-idp"},
		{"saml", "response 200", "/status_code", "type", "integer", "string"},
		{"saml", "response 200", "/connection/upstream_only", "presence", "absent", "string, required"},
		{"saml", "response 200", "/connection", "required", "required", "optional"}, // as in Stytch's spec
		{"saml", "response 200", "/connection/signing_certificates/*/issuer", "required", "required", "optional"},
		{"saml", "response 401", "", "schema", "object", "none"},
		{"saml", "response 404", "", "presence", "declared", "absent"},
		{"saml", "response 403", "/error_type", "presence", "string, required", "absent"},
		{"saml", "parameter path organization_id", "", "minLength", "1", "none"}, // a constraint only ours sets
	} {
		assert.Contains(t, got, want)
	}
	for _, k := range got {
		assert.NotContains(t, k.where+k.ptr, "/some/other/path", "only our paths count")
		// Identical parts, reached through differently named $refs, must not show.
		assert.NotEqual(t, "/connection/signing_certificates/*/created_at", k.ptr)
		assert.NotEqual(t, "/connection/attribute_mapping", k.ptr)
	}
	assert.Len(t, got, 25)

	var out bytes.Buffer
	require.NoError(t, specdiff.WriteUpstreamText(&out, specdiff.CompareUpstream(ours, up)))
	assert.Contains(t, out.String(), "PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id}\n")
	assert.Contains(t, out.String(), "25 difference(s) from upstream")
}

func TestCompareUpstreamWithItself(t *testing.T) {
	t.Parallel()
	ours, err := api.Document()
	require.NoError(t, err)
	again, err := specdiff.LoadUpstream(api.YAML(), "ours")
	require.NoError(t, err)
	assert.Empty(t, specdiff.CompareUpstream(ours, again))
}

// upstreamPath is Stytch's published extract, beside the repository (never
// copied into it).
func upstreamPath(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "repository root not found")
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "stytch", "openapi-subset_update-saml-and-external-connection.yml")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("upstream spec not available: %v", err)
	}
	return p
}

func TestCompareUpstreamStytch(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(upstreamPath(t))
	require.NoError(t, err)
	up, err := specdiff.LoadUpstream(data, "stytch")
	require.NoError(t, err)
	ours, err := api.Document()
	require.NoError(t, err)

	got := keys(specdiff.CompareUpstream(ours, up))
	// Every difference we know of and chose (see api/openapi.yaml's
	// description). A new line here means Stytch's spec moved.
	var want []diffKey
	for _, op := range []string{"external", "saml"} {
		want = append(want,
			diffKey{op, "request body", "", "body-required", "optional", "required"},
			diffKey{op, "response 400", "", "content-type", "application/json", "absent"},
			diffKey{op, "response 401", "", "schema", "object", "none"},
			diffKey{op, "response 403", "", "presence", "declared", "absent"},
			diffKey{op, "response 404", "", "presence", "declared", "absent"},
			diffKey{op, "response 429", "", "schema", "object", "none"},
			diffKey{op, "response 500", "", "schema", "object", "none"},
			// Ours requires connection in a success (issue 19 §5).
			diffKey{op, "response 200", "/connection", "required", "required", "optional"},
			// Ours refuses an empty path parameter; Stytch's says nothing.
			diffKey{op, "parameter path connection_id", "", "minLength", "1", "none"},
			diffKey{op, "parameter path organization_id", "", "minLength", "1", "none"},
		)
	}
	for _, ptr := range []string{
		"/connection/encryption_private_keys/*/created_at",
		"/connection/signing_certificates/*/created_at",
		"/connection/signing_certificates/*/expires_at",
		"/connection/signing_certificates/*/updated_at",
		"/connection/verification_certificates/*/created_at",
		"/connection/verification_certificates/*/expires_at",
		"/connection/verification_certificates/*/updated_at",
	} {
		want = append(want, diffKey{"saml", "response 200", ptr, "format", "date-time", "none"})
	}
	assert.ElementsMatch(t, want, got)
}
