package contracttests

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// TestLoadThroughOneClient sends 1,000 concurrent updates through one client
// with validation on (enforce, strict) to the local provider over loopback.
// Run under -race (make test): no race, no leaked goroutine, no lost update:
// every call gets back its own write, the provider accepted exactly these
// calls, and each connection's final state is the last accepted write.
func TestLoadThroughOneClient(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const calls = 1000

	p, err := provider.New(provider.Config{ProjectID: localProjectID, Secret: "secret-test-load"})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	defer srv.Close()
	seed := p.Seeded()

	v, err := contract.New(contract.WithStrict(true))
	require.NoError(t, err)
	var reportsMu sync.Mutex
	var reports []contract.Violation
	c, err := sso.New(localProjectID, "secret-test-load",
		sso.WithBaseURL(srv.URL),
		sso.WithHTTPClient(&http.Client{Transport: srv.Client().Transport}),
		validation(t, v, contract.CheckConfig{Mode: contract.Enforce, OnViolation: func(_ context.Context, _ *contract.Pair, vs []contract.Violation) {
			reportsMu.Lock()
			defer reportsMu.Unlock()
			reports = append(reports, vs...)
		}}),
	)
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	ctx := testutil.HangGuard(t, "the concurrent calls")

	type outcome struct {
		op, sent, got, requestID string
		err                      error
	}
	results := make([]outcome, calls)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			name := fmt.Sprintf("load-%04d", i)
			var meta sso.ResponseMeta
			o := outcome{sent: name}
			if i%2 == 0 {
				o.op = names.OperationUpdateSAMLConnection
				conn, err := c.UpdateSAMLConnection(ctx, seed.OrganizationID, seed.SAMLConnectionID,
					&sso.SAMLConnectionUpdate{DisplayName: sso.Ptr(name)}, sso.WithResponseMeta(&meta))
				o.err = err
				if conn != nil {
					o.got = conn.DisplayName
				}
			} else {
				o.op = names.OperationUpdateExternalConnection
				conn, err := c.UpdateExternalConnection(ctx, seed.OrganizationSlug, seed.ExternalConnectionID,
					&sso.ExternalConnectionUpdate{DisplayName: sso.Ptr(name)}, sso.WithResponseMeta(&meta))
				o.err = err
				if conn != nil {
					o.got = conn.DisplayName
				}
			}
			o.requestID = meta.RequestID
			results[i] = o
		}()
	}
	close(start)
	wg.Wait()

	sentBy := map[string]string{} // request ID -> display name sent
	for i, o := range results {
		require.NoError(t, o.err, "call %d", i)
		assert.Equal(t, o.sent, o.got, "call %d got another call's write back", i)
		require.NotEmpty(t, o.requestID, "call %d", i)
		sentBy[o.requestID] = o.sent
	}
	assert.Empty(t, reports, "no contract violation under load")

	updates := p.Updates()
	require.Len(t, updates, calls, "the provider accepted exactly the calls made")
	last := map[string]string{}
	for _, u := range updates {
		name, ok := sentBy[u.RequestID]
		require.True(t, ok, "the provider accepted a request no call made: %s", u.RequestID)
		last[u.ConnectionID] = name
	}
	saml, ok := p.SAMLConnection(seed.OrganizationID, seed.SAMLConnectionID)
	require.True(t, ok)
	assert.Equal(t, last[seed.SAMLConnectionID], saml.DisplayName, "final SAML state is the last accepted write")
	ext, ok := p.ExternalConnection(seed.OrganizationID, seed.ExternalConnectionID)
	require.True(t, ok)
	assert.Equal(t, last[seed.ExternalConnectionID], ext.DisplayName, "final External state is the last accepted write")
}
