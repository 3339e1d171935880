package contract

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
)

func specYAML() []byte { return api.YAML() }

func parseSpec(t *testing.T, yaml string) *openapi3.T {
	t.Helper()
	doc, err := api.Parse([]byte(yaml))
	require.NoError(t, err)
	return doc
}

// parseWithDefault is the embedded spec with a default response added to
// the SAML operation (a fresh parse: the shared document is never changed).
func parseWithDefault(t *testing.T) *openapi3.T {
	t.Helper()
	y := string(specYAML())
	marker := "        '500':\n          $ref: '#/components/responses/InternalServerError'\n"
	i := strings.Index(y, marker)
	require.GreaterOrEqual(t, i, 0)
	i += len(marker)
	y = y[:i] + "        default:\n          $ref: '#/components/responses/InternalServerError'\n" + y[i:]
	return parseSpec(t, y)
}
