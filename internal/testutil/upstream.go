package testutil

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// StytchUpstream returns Stytch's full published document, as published
// (pkg/specdiff/testdata/stytch-openapi-full.yml, MIT: see the licence
// beside it), with each old string of the old, new pairs replaced once by
// the new one: a synthetic upstream for the sync tests. An old string that
// is missing or occurs twice fails the test, so that a fixture cannot
// silently stop changing anything.
func StytchUpstream(t testing.TB, replace ...string) []byte {
	t.Helper()
	require.Zero(t, len(replace)%2, "StytchUpstream takes old, new pairs")
	data, err := os.ReadFile(filepath.Join(ModuleRoot(t), "pkg", "specdiff", "testdata", "stytch-openapi-full.yml"))
	require.NoError(t, err)
	s := string(data)
	for i := 0; i < len(replace); i += 2 {
		require.Equal(t, 1, strings.Count(s, replace[i]), "fixture string %q occurs once in Stytch's document", replace[i])
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return []byte(s)
}

// Our two operations, as Stytch's document names their paths.
var ourUpstreamPaths = []string{
	"/v1/b2b/sso/saml/{organization_id}/connections/{connection_id}",
	"/v1/b2b/sso/external/{organization_id}/connections/{connection_id}",
}

var schemaRef = regexp.MustCompile(`#/components/schemas/([A-Za-z0-9_.-]+)`)

// StytchUpstreamOurs is [StytchUpstream] (the replacements are made in the
// full document) cut down to what a comparison of our two operations
// reads: their path items and the schemas they reach, byte for byte as
// published. It parses in a fraction of the time, for tests that load many
// variants.
func StytchUpstreamOurs(t testing.TB, replace ...string) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(StytchUpstream(t, replace...)), "\n")
	index := func(line string) int {
		i := slices.Index(lines, line)
		require.GreaterOrEqual(t, i, 0, "Stytch's document has the line %q", line)
		return i
	}
	paths, components, schemas := index("paths:\n"), index("components:\n"), index("  schemas:\n")
	// blocks splits lines[from:to] into entries keyed at the given indent.
	blocks := func(from, to int, indent string) (keys []string, text map[string]string) {
		text = map[string]string{}
		key := ""
		for _, l := range lines[from:to] {
			if strings.HasPrefix(l, indent) && len(l) > len(indent) && l[len(indent)] != ' ' && l[len(indent)] != '-' {
				key = strings.TrimSuffix(strings.TrimSpace(l), ":")
				keys = append(keys, key)
			}
			text[key] += l
		}
		return keys, text
	}
	_, pathText := blocks(paths+1, components, "  ")
	schemaKeys, schemaText := blocks(schemas+1, len(lines), "    ")
	var out strings.Builder
	out.WriteString(strings.Join(lines[:paths+1], ""))
	reach := map[string]bool{}
	var todo []string
	for _, p := range ourUpstreamPaths {
		require.NotEmpty(t, pathText[p], "Stytch's document has the path %s", p)
		out.WriteString(pathText[p])
		for _, m := range schemaRef.FindAllStringSubmatch(pathText[p], -1) {
			todo = append(todo, m[1])
		}
	}
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if reach[name] {
			continue
		}
		reach[name] = true
		for _, m := range schemaRef.FindAllStringSubmatch(schemaText[name], -1) {
			todo = append(todo, m[1])
		}
	}
	out.WriteString(strings.Join(lines[components:schemas+1], ""))
	for _, k := range schemaKeys {
		if reach[k] {
			out.WriteString(schemaText[k])
		}
	}
	return []byte(out.String())
}

// Places in Stytch's document, each occurring once, for the replacements
// of [StytchUpstream]: the text a fixture adds to (or changes in) the
// SAML update's schemas, responses and parameters.
const (
	// UpstreamSAMLConnection opens the properties of the connection schema
	// the SAML update returns (and other operations share).
	UpstreamSAMLConnection = "    api_sso_v1_SAMLConnection:\n      type: object\n      properties:\n"
	// UpstreamSAMLRequest opens the properties of the SAML update's body.
	UpstreamSAMLRequest = "    api_sso_v1_sso_saml_UpdateConnectionRequest:\n      type: object\n      properties:\n"
	// UpstreamSAMLStatusField is the connection schema's status property.
	UpstreamSAMLStatusField = "          description: Globally unique UUID that identifies a specific SAML Connection.\n        status:\n          type: string\n"
	// UpstreamSAML400 ends the SAML update's 200 response and declares 400.
	UpstreamSAML400 = "                $ref: '#/components/schemas/api_sso_v1_sso_saml_UpdateConnectionResponse'\n        '400':\n          description: Bad request\n"
	// UpstreamSAMLParameters opens the SAML update's parameters.
	UpstreamSAMLParameters = "              $ref: '#/components/schemas/api_sso_v1_sso_saml_UpdateConnectionRequest'\n      parameters:\n"
	// UpstreamProviderEnumEnd ends the identity_provider enum of the update.
	UpstreamProviderEnumEnd = "      - salesforce\n      - shibboleth\n    api_sso_v1_sso_saml_CreateConnectionRequest:\n"
)
