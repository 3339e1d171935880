package api_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
)

// stytchFull is Stytch's whole published document (MIT, licence beside it),
// whose operationId api_magic_v1_Authenticate names two operations.
const stytchFull = "../pkg/contract/testdata/stytch-openapi-full.yml"

// TestLoadRules holds the one loader to its three rules on the same
// documents: ours passes all three; Stytch's published one fails Strict
// only for its duplicated operationId, loads with one warning under
// Published and silently under Unvalidated; a document with an example of
// the wrong type loads only Unvalidated.
func TestLoadRules(t *testing.T) {
	t.Parallel()
	for _, rules := range []api.Rules{api.Strict, api.Published, api.Unvalidated} {
		doc, warnings, err := api.Load(api.YAML(), "openapi.yaml", rules)
		require.NoError(t, err, rules)
		assert.Empty(t, warnings, rules)
		assert.Equal(t, names.OperationUpdateSAMLConnection, doc.Paths.Value(names.SAMLConnectionPath).Put.OperationID, rules)
	}

	_, _, err := api.LoadFile(stytchFull, api.Strict)
	require.Error(t, err)
	assert.ErrorContains(t, err, "api: invalid spec "+stytchFull+": ")
	doc, warnings, err := api.LoadFile(stytchFull, api.Published)
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Equal(t, `operationId "api_magic_v1_Authenticate" is used by 2 operations (POST /v1/b2b/magic_links/authenticate, POST /v1/magic_links/authenticate); OpenAPI requires it to be unique, so they are named by method and path template`, warnings[0])
	assert.Equal(t, "api_magic_v1_Authenticate", doc.Paths.Value("/v1/magic_links/authenticate").Post.OperationID, "the ids are given back after validation")
	_, warnings, err = api.LoadFile(stytchFull, api.Unvalidated)
	require.NoError(t, err)
	assert.Empty(t, warnings)

	badExample := strings.Replace(string(api.YAML()), "status_code: 200\n        connection:", "status_code: not-a-number\n        connection:", 1)
	require.NotEqual(t, string(api.YAML()), badExample)
	for _, rules := range []api.Rules{api.Strict, api.Published} {
		_, _, err := api.Load([]byte(badExample), "bad.yaml", rules)
		assert.ErrorContains(t, err, "api: invalid spec bad.yaml: ", rules)
	}
	_, _, err = api.Load([]byte(badExample), "bad.yaml", api.Unvalidated)
	assert.NoError(t, err)
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	_, _, err := api.Load([]byte("{{{"), "x.yaml", api.Unvalidated)
	assert.ErrorContains(t, err, "api: parse spec x.yaml: ")
	_, _, err = api.Load([]byte("{{{"), "", api.Strict)
	assert.ErrorContains(t, err, "api: parse spec: ")
	_, _, err = api.Load([]byte("openapi: 3.0.3\ninfo: {title: x, version: '1'}\n"), "nopaths.yaml", api.Published)
	assert.ErrorContains(t, err, "api: invalid spec nopaths.yaml: no paths")
	_, _, err = api.Load(api.YAML(), "", api.Rules(7))
	assert.ErrorContains(t, err, "unknown Rules(7)")
	_, _, err = api.LoadFile(filepath.Join(t.TempDir(), "no-such-spec.yml"), api.Published)
	assert.ErrorContains(t, err, "no-such-spec.yml")
}

// TestLoadWarningsAreEscaped: a warning holds names from the document, so
// a control character in one cannot forge a line of output.
func TestLoadWarningsAreEscaped(t *testing.T) {
	t.Parallel()
	y := "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n" +
		"  /a:\n    get:\n      operationId: \"dup\\nFAKE\"\n      responses: {'200': {description: ok}}\n" +
		"  /b:\n    get:\n      operationId: \"dup\\nFAKE\"\n      responses: {'200': {description: ok}}\n"
	_, warnings, err := api.Load([]byte(y), "", api.Published)
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.NotContains(t, warnings[0], "\n")
	assert.Contains(t, warnings[0], `operationId "dup\nFAKE" is used by 2 operations (GET /a, GET /b)`)
}
