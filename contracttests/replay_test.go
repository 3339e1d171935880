package contracttests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

const testdata = "testdata"

// replayTarget is the target a recording directory describes: the IDs it was
// recorded with and the placeholders its credentials were redacted to. Its
// base URL is never reached: replay has no network.
func replayTarget(t testing.TB, dir string) *target {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "cassettes", idsFile))
	require.NoError(t, err, "no recordings in %s: record them with `make record-local` (local provider) or `make record` (Stytch)", dir)
	var got ids
	require.NoError(t, json.Unmarshal(data, &got), "%s", idsFile)
	return &target{
		name:          "replay of " + got.RecordedFrom,
		baseURL:       "https://test.stytch.com",
		projectID:     recording.PlaceholderProjectID,
		secret:        recording.PlaceholderSecret,
		orgID:         got.OrganizationID,
		orgSlug:       got.OrganizationSlug,
		samlID:        got.SAMLConnectionID,
		externalID:    got.ExternalConnectionID,
		sessionToken:  recording.PlaceholderSessionToken,
		sessionJWT:    recording.PlaceholderSessionJWT,
		deniedSession: recording.PlaceholderSessionToken,
	}
}

// replayAll replays every scenario from dir through the client, with the
// validating transport in enforce and strict mode above the recorder.
func replayAll(ctx context.Context, t *testing.T, dir string) {
	t.Helper()
	tg := replayTarget(t, dir)
	fx := newFixtures(t)
	v := strictValidator(t)
	for _, s := range scenarios() {
		t.Run("replay/"+s.id(), func(t *testing.T) {
			rec, err := recording.New(cassettePath(dir, s), recording.WithRecordCommand("make record-local"))
			require.NoError(t, err)
			defer func() { assert.NoError(t, rec.Stop()) }()
			runScenario(ctx, t, tg, s, fx, rec, v)
		})
	}
}

// TestReplay runs every scenario against its committed recording: the client
// gets the expected typed result or typed error, and every pair passes the
// validating transport in strict mode.
func TestReplay(t *testing.T) {
	replayAll(testutil.HangGuard(t, "replaying every scenario"), t, testdata)
}

func TestReplayMissingRecordingNamesTheCommand(t *testing.T) {
	t.Parallel()
	_, err := recording.New(filepath.Join(t.TempDir(), "nothing-here"), recording.WithRecordCommand("make record-local"))
	require.Error(t, err)
	assert.ErrorIs(t, err, recording.ErrNotRecorded)
	assert.Contains(t, err.Error(), "make record-local")
}

func loadRecordedPairs(t testing.TB) []contract.Pair {
	t.Helper()
	pairs, err := capture.LoadPath(filepath.Join(testdata, "cassettes"))
	require.NoError(t, err)
	require.Len(t, pairs, len(scenarios()), "one recorded pair per scenario")
	return pairs
}

// TestRecordedPairsAreValidInStrictMode: every recorded request and response
// matches the spec, with no undeclared field, status or content type.
func TestRecordedPairsAreValidInStrictMode(t *testing.T) {
	t.Parallel()
	v := strictValidator(t)
	for _, p := range loadRecordedPairs(t) {
		assert.Empty(t, v.Validate(context.Background(), &p), "%s", p.Where())
	}
}

// TestRecordedBodiesSurviveTheGeneratedTypes: every recorded body decodes
// into the generated types and encodes back to the same JSON. A field the
// generated types drop is drift between the spec and the API.
func TestRecordedBodiesSurviveTheGeneratedTypes(t *testing.T) {
	t.Parallel()
	v := strictValidator(t)
	n200 := 0
	for _, p := range loadRecordedPairs(t) {
		r := v.Route(&p)
		require.Equal(t, contract.ReasonOperation, r.Reason, "%s", p.Where())
		opID := r.Operation
		var target any
		switch {
		case p.StatusCode == 200 && opID == names.OperationUpdateSAMLConnection:
			target = stytchsso.UpdateSAMLConnectionResponseBody{}
			n200++
		case p.StatusCode == 200 && opID == names.OperationUpdateExternalConnection:
			target = stytchsso.UpdateExternalConnectionResponseBody{}
			n200++
		default:
			target = stytchsso.ErrorResponse{}
		}
		diffs, err := roundTripDiff(p.ResponseBody, target)
		require.NoError(t, err, "%s", p.Where())
		assert.Empty(t, diffs, "%s: the generated %T loses data", p.Where(), target)

		if len(bytes.TrimSpace(p.RequestBody)) > 0 {
			var reqTarget any = stytchsso.UpdateExternalConnectionRequest{}
			if opID == names.OperationUpdateSAMLConnection {
				reqTarget = stytchsso.UpdateSAMLConnectionRequest{}
			}
			diffs, err := roundTripDiff(p.RequestBody, reqTarget)
			require.NoError(t, err, "%s request", p.Where())
			assert.Empty(t, diffs, "%s request: the generated %T loses data", p.Where(), reqTarget)
		}
	}
	assert.Equal(t, 12, n200, "six 200 scenarios for each operation")
}

// coverageOf computes the coverage of pairs against the spec.
func coverageOf(t *testing.T, pairs []contract.Pair) *coverage.Report {
	t.Helper()
	v := strictValidator(t)
	cov := coverage.New(v)
	for i := range pairs {
		cov.Add(&pairs[i], v.Route(&pairs[i]))
	}
	return cov.Report()
}

// floorFileEnv names a file TestRecordedCoverage writes its report to, the
// coverage table and the suite's floor, instead of logging it (make contract
// sets it and prints the file once, at the end).
const floorFileEnv = "CONTRACT_FLOOR_FILE"

// floorGaps lists what the suite's coverage floor misses in rep: documented
// statuses never recorded, request fields never sent, and response fields
// never received (every field of the 200 body; every field of the error
// body on at least one error status, since error_details appears only where
// the API has details to give). It also returns a one-line summary per
// operation.
func floorGaps(rep *coverage.Report) (gaps, summary []string) {
	for _, op := range rep.Operations {
		for _, c := range op.Statuses {
			if c.Declared && c.Exercised == 0 {
				gaps = append(gaps, op.OperationID+" status "+c.Name)
			}
		}
		for _, name := range missing(op.RequestFields) {
			gaps = append(gaps, op.OperationID+" request "+name)
		}
		seen := map[string]bool{}
		declared := map[string]bool{}
		for _, f := range op.ResponseFields {
			status, ptr, _ := strings.Cut(f.Name, " ")
			key := ptr
			if status == "200" {
				key = "200 " + ptr
			}
			if f.Declared {
				declared[key] = true
			}
			if f.Exercised > 0 {
				seen[key] = true
			}
		}
		respGaps := 0
		for k := range declared {
			if !seen[k] {
				gaps = append(gaps, op.OperationID+" response "+k)
				respGaps++
			}
		}
		summary = append(summary, fmt.Sprintf("suite floor, %s: statuses %d/%d, request fields %d/%d, response fields %d/%d "+
			"(each 200 field, and each error field on at least one error status)",
			op.OperationID, op.StatusesCovered, op.StatusesDeclared, op.RequestCovered, op.RequestDeclared,
			len(declared)-respGaps, len(declared)))
	}
	sort.Strings(gaps)
	return gaps, summary
}

// TestRecordedCoverage prints which operations, statuses and fields the
// recordings exercise, and fails if any documented status of either
// operation, any request field or any response field goes unexercised.
func TestRecordedCoverage(t *testing.T) {
	t.Parallel()
	rep := coverageOf(t, loadRecordedPairs(t))
	assert.Zero(t, rep.UnmatchedPairs)
	require.Len(t, rep.Operations, 2)
	gaps, summary := floorGaps(rep)

	// One report, table then floor, saying which measure fails the run.
	var report strings.Builder
	report.WriteString("Coverage of the recorded pairs, as `ssocontract coverage` counts it (every declared status; " +
		"every request field; every response field of every status):\n")
	require.NoError(t, rep.WriteText(&report))
	report.WriteString("\nThe suite's floor, which fails the run below 100%: every declared status, every request field,\n" +
		"every field of the 200 body, and each field of the error body on at least one error status\n" +
		"(the table's response total is lower: Stytch sends error_details only where it has details):\n")
	for _, line := range summary {
		report.WriteString("  " + strings.TrimPrefix(line, "suite floor, ") + "\n")
	}
	if path := os.Getenv(floorFileEnv); path != "" {
		// make contract prints the report from this file, once, at the end.
		require.NoError(t, os.WriteFile(path, []byte(report.String()), 0o644))
	} else {
		t.Log(report.String())
	}
	assert.Empty(t, gaps, "the recordings no longer cover everything the spec declares")
}

// TestCoverageFloorCanFail drops recordings and expects the floor to name
// what they alone covered.
func TestCoverageFloorCanFail(t *testing.T) {
	t.Parallel()
	var kept []contract.Pair
	for _, p := range loadRecordedPairs(t) {
		external200 := strings.Contains(p.Source, string(filepath.Separator)+"external"+string(filepath.Separator)) && p.StatusCode == 200
		if strings.HasSuffix(p.Source, filepath.Join("saml", "full_update.yaml")) || p.StatusCode == 429 || external200 {
			continue
		}
		kept = append(kept, p)
	}
	gaps, _ := floorGaps(coverageOf(t, kept))
	assert.Contains(t, gaps, "UpdateSAMLConnection status 429")
	assert.Contains(t, gaps, "UpdateExternalConnection status 429")
	assert.Contains(t, gaps, "UpdateSAMLConnection request /signing_private_key")
	assert.Contains(t, gaps, "UpdateExternalConnection response 200 /connection/display_name")
}

func missing(counts []coverage.Count) []string {
	var out []string
	for _, c := range counts {
		if c.Declared && c.Exercised == 0 {
			out = append(out, c.Name)
		}
	}
	return out
}

// TestRecordingsAreNotFromStytchUnlessSaid keeps the README honest: the
// committed recordings say where they came from.
func TestRecordingsSayWhereTheyCameFrom(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(testdata, "cassettes", idsFile))
	require.NoError(t, err)
	var got ids
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Contains(t, []string{"stytch", "local-provider"}, got.RecordedFrom, fmt.Sprintf("%s recorded_from", idsFile))
}
