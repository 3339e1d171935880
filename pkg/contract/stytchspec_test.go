package contract_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// TestRecordedPairsAgainstStytchsSpec validates every recorded pair of the
// repository (the loaders' fixtures and the suite's cassettes, valid and
// drifting) against api/openapi.yaml and against Stytch's whole published
// document, and requires the same findings (side, kind, location) from
// both, except where the two specs knowingly differ:
//   - Stytch's spec declares no 403 and no 404: a status finding there only;
//   - Stytch's 400 declares no body: in strict mode, "the response declares
//     no body" there only.
func TestRecordedPairsAgainstStytchsSpec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	doc, _, err := contract.LoadSpec("testdata/stytch-openapi-full.yml")
	require.NoError(t, err)
	var pairs []contract.Pair
	for _, dir := range []string{"capture/testdata/cassettes", "capture/testdata/har", "../../contracttests/testdata/cassettes"} {
		ps, err := capture.LoadPath(dir)
		require.NoError(t, err)
		pairs = append(pairs, ps...)
	}
	require.GreaterOrEqual(t, len(pairs), 30)

	known := func(p *contract.Pair, strict bool, onlyStytch bool, finding string) bool {
		switch {
		case onlyStytch && (p.StatusCode == 403 || p.StatusCode == 404):
			return finding == "response status status"
		case onlyStytch && strict && p.StatusCode == 400:
			return finding == "response content-type body"
		}
		return false
	}
	findings := func(vs []contract.Violation) map[string]bool {
		m := map[string]bool{}
		for _, v := range vs {
			m[fmt.Sprint(v.Side, " ", v.Kind, " ", v.Location)] = true
		}
		return m
	}
	var checked, found, differ int
	for _, strict := range []bool{false, true} {
		ours, err := contract.New(contract.WithStrict(strict))
		require.NoError(t, err)
		theirs, err := contract.New(contract.WithStrict(strict), contract.WithDocument(doc))
		require.NoError(t, err)
		for i := range pairs {
			p := &pairs[i]
			require.True(t, ours.Route(p).Reason == contract.ReasonOperation && theirs.Route(p).Reason == contract.ReasonOperation, "%s", p.Where())
			a, b := findings(ours.Validate(ctx, p)), findings(theirs.Validate(ctx, p))
			checked++
			found += len(a)
			for f := range a {
				assert.True(t, b[f] || known(p, strict, false, f), "strict=%v %s: only api/openapi.yaml finds %s", strict, p.Where(), f)
			}
			for f := range b {
				if !a[f] {
					differ++
					assert.True(t, known(p, strict, true, f), "strict=%v %s: only Stytch's spec finds %s", strict, p.Where(), f)
				}
			}
		}
	}
	assert.Positive(t, found, "the recordings hold drift, so the comparison is not vacuous")
	assert.Positive(t, differ, "the known differences occur in the recordings")
	t.Logf("%d validations, %d findings, %d known differences", checked, found, differ)
}
