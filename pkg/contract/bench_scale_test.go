package contract

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// scaledPair is the realistic SAML pair with n group role assignments in
// both the request and the 200 response, to show how validation cost grows
// with body size.
func scaledPair(b *testing.B, n int) *Pair {
	t := &testing.T{}
	p := samlPair(t)
	groups := make([]any, n)
	for i := range groups {
		groups[i] = map[string]any{"role_id": fmt.Sprintf("role-%04d", i), "group": fmt.Sprintf("group-%04d", i)}
	}
	p.RequestBody = edit(t, p.RequestBody, func(m map[string]any) { m["saml_group_implicit_role_assignments"] = groups })
	p.ResponseBody = edit(t, p.ResponseBody, func(m map[string]any) { conn(m)["saml_group_implicit_role_assignments"] = groups })
	require.False(b, t.Failed())
	return p
}

// BenchmarkValidateScaling validates pairs with 1, 10, 100 and 1,000 role
// assignments in strict mode. Linear cost shows as ns/op = fixed + k*n
// (a constant k across the four sizes) and a flat allocs/op. The
// marginal/ cases alternate the pair with n assignments and the same pair
// with none in every iteration and report k directly: ns/assignment, the
// difference of their medians divided by n, constant when cost is linear.
func BenchmarkValidateScaling(b *testing.B) {
	ctx := context.Background()
	v, err := New(WithStrict(true))
	require.NoError(b, err)
	zero := scaledPair(b, 0)
	require.Empty(b, v.Validate(ctx, zero))
	for _, n := range []int{1, 10, 100, 1000} {
		p := scaledPair(b, n)
		b.Run(fmt.Sprintf("marginal/assignments=%d", n), func(b *testing.B) {
			t0, tn := interleave(b, func() {
				if len(v.Validate(ctx, zero)) != 0 {
					b.Fatal("violations")
				}
			}, func() {
				if len(v.Validate(ctx, p)) != 0 {
					b.Fatal("violations")
				}
			})
			m0, mn := median(t0), median(tn)
			b.ReportMetric(m0, "base-ns/pair")
			b.ReportMetric(mn, "ns/pair")
			b.ReportMetric((mn-m0)/float64(n), "ns/assignment")
		})
	}
	for _, n := range []int{1, 10, 100, 1000} {
		p := scaledPair(b, n)
		require.Empty(b, v.Validate(ctx, p))
		b.Run(fmt.Sprintf("assignments=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(p.RequestBody) + len(p.ResponseBody)))
			b.ReportAllocs()
			for b.Loop() {
				if len(v.Validate(ctx, p)) != 0 {
					b.Fatal("violations")
				}
			}
		})
	}
}
