package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/gen/stytchsso"
)

// benchPair is a realistic pair: the full 15-field SAML update and a 200
// response of about 3 KB.
func benchPair(b *testing.B) *Pair {
	t := &testing.T{}
	p := samlPair(t)
	p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
		c := conn(m)
		certs := c["verification_certificates"].([]any)
		c["verification_certificates"] = append(certs, certs[0], certs[0], certs[0])
	})
	require.Greater(b, len(p.ResponseBody), 2800)
	require.Less(b, len(p.ResponseBody), 3600)
	return p
}

// fakePEM is a PEM block of the given type whose body is n deterministic
// pseudo-random bytes: the shape of a key or certificate, which is all the
// validator sees of one.
func fakePEM(typ string, n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed))
	raw := make([]byte, n)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: raw}))
}

// pemPair is the realistic SAML update at its heaviest: all 15 request
// fields with two RSA private keys and a certificate (PEM, about 3.5 KB),
// and a 200 response of about 3.6 KB with a signing and a verification
// certificate. PEMs are full of escaped newlines, the walker's worst case.
func pemPair(b *testing.B) *Pair {
	t := &testing.T{}
	p := samlPair(t)
	keyA, keyB, cert := fakePEM("RSA PRIVATE KEY", 850, 1), fakePEM("RSA PRIVATE KEY", 850, 2), fakePEM("CERTIFICATE", 800, 3)
	p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) {
		m["saml_encryption_private_key"], m["signing_private_key"], m["x509_certificate"] = keyA, keyB, cert
	})
	p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) {
		c := conn(m)
		c["encryption_private_keys"] = []any{}
		c["signing_certificates"].([]any)[0].(map[string]any)["certificate"] = fakePEM("CERTIFICATE", 620, 4)
		c["verification_certificates"].([]any)[0].(map[string]any)["certificate"] = fakePEM("CERTIFICATE", 620, 5)
	})
	require.False(b, t.Failed())
	require.InDelta(b, 4400, len(p.RequestBody), 200)
	require.InDelta(b, 3600, len(p.ResponseBody), 200)
	return p
}

func BenchmarkValidatePair(b *testing.B) {
	ctx := context.Background()
	for _, pc := range []struct {
		name string
		pair *Pair
	}{{"", benchPair(b)}, {"pem/", pemPair(b)}} {
		p := pc.pair
		b.Logf("%srequest %d bytes, response %d bytes", pc.name, len(p.RequestBody), len(p.ResponseBody))
		for _, tc := range []struct {
			name string
			opts []Option
		}{
			{"contract/compiled", nil},
			{"contract/compiled-strict", []Option{WithStrict(true)}},
			{"contract/kin-bodies-strict", []Option{WithStrict(true), WithCompiledBodies(false)}},
		} {
			b.Run(pc.name+tc.name, func(b *testing.B) {
				v, err := New(tc.opts...)
				require.NoError(b, err)
				require.Empty(b, v.Validate(ctx, p))
				b.ReportAllocs()
				for b.Loop() {
					if len(v.Validate(ctx, p)) != 0 {
						b.Fatal("violations")
					}
				}
			})
		}

		b.Run(pc.name+"baseline/kin-openapi-default", func(b *testing.B) {
			doc, err := api.Parse(api.YAML()) // a copy: servers are cleared for the router
			require.NoError(b, err)
			doc.Servers = nil
			router, err := gorillamux.NewRouter(doc)
			require.NoError(b, err)
			opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest(p.Method, p.URL, bytes.NewReader(p.RequestBody))
				req.Header = p.RequestHeader
				route, params, err := router.FindRoute(req)
				if err != nil {
					b.Fatal(err)
				}
				in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
				if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
					b.Fatal(err)
				}
				rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: p.StatusCode,
					Header: p.ResponseHeader, Body: io.NopCloser(bytes.NewReader(p.ResponseBody)), Options: opts}
				if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
					b.Fatal(err)
				}
			}
		})

		b.Run(pc.name+"baseline/json-unmarshal-typed-response", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				unmarshalTyped(b, p)
			}
		})

		// Strict validation and the decode alternate in every iteration,
		// so that both see the same machine; the ratio of their medians is
		// the target (at most 1.0).
		b.Run(pc.name+"ratio/strict-vs-json-unmarshal", func(b *testing.B) {
			v, err := New(WithStrict(true))
			require.NoError(b, err)
			tVal, tDec := interleave(b, func() {
				if len(v.Validate(ctx, p)) != 0 {
					b.Fatal("violations")
				}
			}, func() { unmarshalTyped(b, p) })
			mv, md := median(tVal), median(tDec)
			b.ReportMetric(mv, "strict-ns/pair")
			b.ReportMetric(md, "unmarshal-ns/pair")
			b.ReportMetric(mv/md, "strict/unmarshal")
		})
	}
}

func unmarshalTyped(b *testing.B, p *Pair) {
	var out stytchsso.UpdateSAMLConnectionResponseBody
	if err := json.Unmarshal(p.ResponseBody, &out); err != nil {
		b.Fatal(err)
	}
}

// interleave calls f and g once each per iteration of b.Loop, the order
// flipping every iteration, and returns the time of every call of each.
func interleave(b *testing.B, f, g func()) (tf, tg []time.Duration) {
	timed := func(fn func(), into *[]time.Duration) {
		t0 := time.Now()
		fn()
		*into = append(*into, time.Since(t0))
	}
	odd := false
	for b.Loop() {
		if odd {
			timed(g, &tg)
			timed(f, &tf)
		} else {
			timed(f, &tf)
			timed(g, &tg)
		}
		odd = !odd
	}
	return tf, tg
}

// median is the median of ds in nanoseconds; it sorts ds.
func median(ds []time.Duration) float64 {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return float64(ds[n/2])
	}
	return float64(ds[n/2-1]+ds[n/2]) / 2
}

var _ = openapi3.TypeObject
