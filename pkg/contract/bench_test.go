package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

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

func BenchmarkValidatePair(b *testing.B) {
	p := benchPair(b)
	ctx := context.Background()
	b.Logf("request %d bytes, response %d bytes", len(p.RequestBody), len(p.ResponseBody))

	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"contract/compiled", nil},
		{"contract/compiled-strict", []Option{WithStrict(true)}},
		{"contract/kin-bodies-strict", []Option{WithStrict(true), WithCompiledBodies(false)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
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

	b.Run("baseline/kin-openapi-default", func(b *testing.B) {
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

	b.Run("baseline/json-unmarshal-typed-response", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out stytchsso.UpdateSAMLConnectionResponseBody
			if err := json.Unmarshal(p.ResponseBody, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

var _ = openapi3.TypeObject
