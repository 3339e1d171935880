package testutil

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	mathrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// RSAKey generates a throwaway RSA key of the given size at test time, so
// that no key is ever committed. 1024 bits is enough where only the shape
// of a key matters, and much faster to generate than 2048.
func RSAKey(t testing.TB, bits int) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	require.NoError(t, err)
	return key
}

// PKCS1PEM encodes key as a PEM "RSA PRIVATE KEY" block (PKCS #1), the
// form Stytch takes for SAML signing and encryption keys.
func PKCS1PEM(key *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}

// RSAPKCS1PEM generates a throwaway RSA key of the given size and returns it
// PEM-encoded as PKCS1PEM does.
func RSAPKCS1PEM(t testing.TB, bits int) string {
	t.Helper()
	return PKCS1PEM(RSAKey(t, bits))
}

// SelfSignedCertPEM makes a throwaway self-signed certificate (ECDSA P-256)
// for the common name cn, valid from an hour ago until notAfter, and returns
// it as a PEM "CERTIFICATE" block: an identity provider's certificate.
func SelfSignedCertPEM(t testing.TB, cn string, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// FakePEM is a PEM block of the given type whose body is n deterministic
// pseudo-random bytes drawn from seed: the shape of a key or certificate
// (base64 lines of 64 characters between BEGIN and END), which is all a
// client or a validator sees of one, at no cost of generating a key.
func FakePEM(typ string, n int, seed uint64) string {
	r := mathrand.New(mathrand.NewPCG(seed, seed))
	raw := make([]byte, n)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: raw}))
}
