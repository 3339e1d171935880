package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
)

// twoIDs is a small document with Stytch's published defect: one
// operationId on two operations. (pkg/contract's TestStytchPublishedSpec
// loads Stytch's whole document through LoadSpec; it is left out here,
// where validating it four times would cost a minute under -race.)
const twoIDs = `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/magic_links/authenticate:
    post:
      operationId: api_magic_v1_Authenticate
      responses: {'200': {description: ok}}
  /v1/b2b/magic_links/authenticate:
    post:
      operationId: api_magic_v1_Authenticate
      responses: {'200': {description: ok}}
`

// TestLoadRules holds the one loader to its three rules on the same
// documents: ours passes all three; one with a duplicated operationId
// fails Strict, loads with one warning under Published and silently under
// Unvalidated; one with an example of the wrong type loads only
// Unvalidated.
func TestLoadRules(t *testing.T) {
	t.Parallel()
	for _, rules := range []api.Rules{api.Strict, api.Published, api.Unvalidated} {
		doc, warnings, err := api.Load(api.YAML(), "openapi.yaml", rules)
		require.NoError(t, err, rules)
		assert.Empty(t, warnings, rules)
		assert.Equal(t, names.OperationUpdateSAMLConnection, doc.Paths.Value(names.SAMLConnectionPath).Put.OperationID, rules)
	}

	path := filepath.Join(t.TempDir(), "two-ids.yaml")
	require.NoError(t, os.WriteFile(path, []byte(twoIDs), 0o600))
	_, _, err := api.LoadFile(path, api.Strict)
	require.Error(t, err)
	assert.ErrorContains(t, err, "api: invalid spec "+path+": ")
	doc, warnings, err := api.LoadFile(path, api.Published)
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Equal(t, `operationId "api_magic_v1_Authenticate" is used by 2 operations (POST /v1/b2b/magic_links/authenticate, POST /v1/magic_links/authenticate); OpenAPI requires it to be unique, so they are named by method and path template`, warnings[0])
	assert.Equal(t, "api_magic_v1_Authenticate", doc.Paths.Value("/v1/magic_links/authenticate").Post.OperationID, "the ids are given back after validation")
	_, warnings, err = api.LoadFile(path, api.Unvalidated)
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
