package scrub

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestShapes: private keys, JWTs and session tokens are found by their
// shape with nothing registered; certificates, IDs and JWT look-alikes are
// not.
func TestShapes(t *testing.T) {
	t.Parallel()
	key := testutil.RSAPKCS1PEM(t, 1024)
	const (
		jwt   = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtZW1iZXIifQ.c2lnbmF0dXJlLWNhbmFyeQ"
		token = "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
	)
	for text, shape := range map[string]Shape{
		"key: " + key: PrivateKeyPEM, `{"k":"` + strings.ReplaceAll(key, "\n", `\n`) + `"}`: PrivateKeyPEM,
		"see " + jwt + ".": JWT, "token=" + token + "&x": SessionToken,
	} {
		var got []Shape
		out := ReplaceShapes(text, func(s Shape, _ string) string { got = append(got, s); return "#" })
		assert.Equal(t, []Shape{shape}, got, text)
		assert.True(t, HasShape(text))
		assert.NotContains(t, RemoveShapes(text), "MII")
		assert.Contains(t, RemoveShapes(text), Marker)
		assert.Contains(t, out, "#")
	}
	cert := testutil.SelfSignedCertPEM(t, "IdP", time.Now().Add(time.Hour))
	for _, text := range []string{cert, "saml-connection-test-2d7a8e1e-0bb4-4c1b-8f7d-5cbb2a1f00aa", "eyJub3QiOiJhIGp3dCJ9.abc.def", strings.Repeat("a", 44)} {
		assert.False(t, HasShape(text), text)
		assert.Equal(t, text, RemoveShapes(text))
	}
}
