package contracttests

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/atomicfile"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

const idsFile = "ids.json"

// recordAll runs every scenario tg supports with the inputs fx and records
// each into its own cassette under dir, redacted. The run is all or nothing
// (recording.StartRun): cassettes go to a staging directory that replaces
// dir/cassettes only when every scenario passed; on any failure the previous
// recordings stay exactly as they were. Scenarios the target cannot run keep
// their previous recording, and are named in the log.
func recordAll(ctx context.Context, t *testing.T, tg *target, fx *fixtures, dir, from string) {
	t.Helper()
	run, err := recording.StartRun(filepath.Join(dir, "cassettes"))
	require.NoError(t, err)
	defer func() { assert.NoError(t, run.Abort()) }()
	v := strictValidator(t)
	for _, s := range scenarios() {
		t.Run(s.id(), func(t *testing.T) {
			if s.needs != nil {
				if why := s.needs(tg); why != "" {
					t.Skipf("not recorded from %s, previous recording kept: %s", tg.name, why)
				}
			}
			// Laid out as cassettePath does, under the staging directory.
			rec, err := recording.New(filepath.Join(run.Dir(), s.op, s.name),
				recording.WithMode(recording.ModeRecord),
				recording.WithRealTransport(orDefault(tg.transport)),
				recording.WithSecrets(tg.secrets(fx)...),
				recording.WithSecrets("secret-test-wrong-00000000"),
			)
			require.NoError(t, err)
			runScenario(ctx, t, tg, s, fx, rec, v)
			require.NoError(t, rec.Stop(), "saving %s", rec.File())
		})
	}
	data, err := json.MarshalIndent(ids{
		OrganizationID:       tg.orgID,
		OrganizationSlug:     tg.orgSlug,
		SAMLConnectionID:     tg.samlID,
		ExternalConnectionID: tg.externalID,
		RecordedFrom:         from,
	}, "", "  ")
	require.NoError(t, err)
	require.NoError(t, atomicfile.Write(filepath.Join(run.Dir(), idsFile), append(data, '\n'), 0o644))
	if t.Failed() {
		t.Logf("recording failed: %s is unchanged", run.Target())
		return
	}
	require.NoError(t, run.Commit())
}

func orDefault(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		return http.DefaultTransport
	}
	return rt
}

// TestRecord is `make record` (from Stytch, with STYTCH_* set) and
// `make record-local` (from an in-process local provider). Without -record it
// skips: recording is an explicit act, never a side effect of go test.
func TestRecord(t *testing.T) {
	if !*recordFlag {
		t.Skip("recording is explicit: run `make record` (Stytch) or `make record-local` (local provider)")
	}
	ctx := testutil.HangGuard(t, "recording every scenario")
	switch *recordFrom {
	case "local":
		recordAll(ctx, t, localTarget(t, "secret-test-local-recording"), newFixtures(t), *recordDir, "local-provider")
	case "stytch":
		tg, missing := liveTarget()
		if tg == nil {
			t.Fatalf("make record needs live credentials: %s (or record from the local provider with `make record-local`)", missing)
		}
		protectLiveConnections(ctx, t, tg)
		recordAll(ctx, t, tg, newFixtures(t), *recordDir, "stytch")
	default:
		t.Fatalf("-record-from=%q: want stytch or local", *recordFrom)
	}
}

// TestRecordingHoldsNoSecret records every scenario from the local provider
// with canary credentials, session tokens, JWTs and private keys, then reads
// every file written back from disk: no canary may appear, and the redacted
// recordings must still be valid in strict mode and replay end to end.
func TestRecordingHoldsNoSecret(t *testing.T) {
	const (
		canarySecret = "secret-test-CANARY-7f3e2a"
		canaryToken  = "session-token-CANARY-51c0d9"
		canaryJWT    = "eyJhbGciOiJSUzI1NiJ9.CANARY-jwt-payload.c2lnbmF0dXJl"
		canaryDenied = "session-token-CANARY-denied-88aa"
	)
	tg := canaryLocalTarget(t, canarySecret, canaryToken, canaryJWT, canaryDenied)
	fx := newFixtures(t)

	dir := t.TempDir()
	ctx := testutil.HangGuard(t, "recording and replaying every scenario with canary secrets")
	recordAll(ctx, t, tg, fx, dir, "local-provider")

	canaries := append([]string{canarySecret, canaryToken, canaryJWT, canaryDenied, "CANARY"},
		append(pemCanaries(fx.signingKey), pemCanaries(fx.encryptionKey)...)...)
	files := forEachRecordedFile(t, dir, func(path string, data []byte) {
		for _, c := range canaries {
			assert.NotContains(t, string(data), c, "%s holds a canary", path)
		}
		// No private key material: every RSA PRIVATE KEY block is the placeholder.
		for _, block := range strings.Split(string(data), "-----BEGIN RSA PRIVATE KEY-----")[1:] {
			assert.True(t, strings.HasPrefix(strings.TrimLeft(block, `\n `), "REDACTED"), "%s holds a private key", path)
		}
	})
	assert.Equal(t, len(scenarios())+1, files, "one cassette per scenario plus %s", idsFile)

	// Redacted recordings still validate and replay.
	pairs, err := capture.LoadPath(filepath.Join(dir, "cassettes"))
	require.NoError(t, err)
	assert.Len(t, pairs, len(scenarios()))
	v := strictValidator(t)
	for i := range pairs {
		assert.Empty(t, v.Validate(ctx, &pairs[i]), "%s", pairs[i].Where())
	}
	replayAll(ctx, t, dir)
}

// canaryLocalTarget is the local provider with canary credentials: the
// secret, and member sessions that are allowed, allowed (JWT) and denied.
func canaryLocalTarget(t testing.TB, secret, token, jwt, denied string) *target {
	t.Helper()
	tg := localTarget(t, secret)
	tg.sessionToken, tg.sessionJWT, tg.deniedSession = token, jwt, denied
	tg.local.SetSession(token, true)
	tg.local.SetSession(jwt, true)
	tg.local.SetSession(denied, false)
	return tg
}
