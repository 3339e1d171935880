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

// TestShapesTokensBetweenCertificates: session tokens between certificates
// are found, and base64 runs inside the certificates are not, however many
// of each alternate.
func TestShapesTokensBetweenCertificates(t *testing.T) {
	t.Parallel()
	const token = "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
	cert := "-----BEGIN CERTIFICATE-----\n" + token + "\n-----END CERTIFICATE-----"
	text := strings.Repeat(cert+" "+token+" ", 50)
	var tokens int
	out := ReplaceShapes(text, func(s Shape, m string) string { tokens++; return "#" })
	assert.Equal(t, 50, tokens)
	assert.Equal(t, strings.Repeat(cert+" # ", 50), out)
}

// BenchmarkRemoveShapes times RemoveShapes on 4 MiB of certificates and
// session tokens alternating (each token is checked against the
// certificates around it), against the same amount of tokens alone.
func BenchmarkRemoveShapes(b *testing.B) {
	const token = "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
	const size = 4 << 20
	unit := "-----BEGIN CERTIFICATE-----x-----END CERTIFICATE----- " + token + " "
	for name, text := range map[string]string{
		"certificates-and-tokens": strings.Repeat(unit, size/len(unit)),
		"private-key-armour":      strings.Repeat("-----BEGIN PRIVATE KEY----- "+token+" ", size/(len(token)+29)),
		"baseline=tokens":         strings.Repeat(token+" ", size/(len(token)+1)),
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if RemoveShapes(text) == text {
					b.Fatal("nothing removed")
				}
			}
		})
	}
}
