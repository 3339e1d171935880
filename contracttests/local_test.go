package contracttests

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/sso"
	"github.com/stytchsso/stytchsso/pkg/ssocheck"
)

const (
	localProjectID    = testutil.ProjectID
	localSessionToken = "session-token-test-allowed-member"
	localSessionJWT   = "session-jwt-test-allowed-member"
	localDenied       = "session-token-test-denied-member"
)

// localTarget starts the local provider on a loopback TCP port and returns
// the target that reaches it. The secret is given so canary tests can use
// their own.
func localTarget(t testing.TB, secret string) *target {
	t.Helper()
	p, err := provider.New(provider.Config{
		ProjectID: localProjectID,
		Secret:    secret,
		Sessions:  map[string]bool{localSessionToken: true, localSessionJWT: true, localDenied: false},
	})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	seed := p.Seeded()
	return &target{
		name:          "local-provider",
		baseURL:       srv.URL,
		projectID:     localProjectID,
		secret:        secret,
		orgID:         seed.OrganizationID,
		orgSlug:       seed.OrganizationSlug,
		samlID:        seed.SAMLConnectionID,
		externalID:    seed.ExternalConnectionID,
		sessionToken:  localSessionToken,
		sessionJWT:    localSessionJWT,
		deniedSession: localDenied,
		transport:     srv.Client().Transport,
		local:         p,
		honoursPrefer: true,
	}
}

func strictValidator(t testing.TB) *contract.Validator {
	t.Helper()
	v, err := contract.New(contract.WithStrict(true))
	require.NoError(t, err)
	return v
}

// validation checks every call of a client with v, as cfg says.
func validation(t testing.TB, v *contract.Validator, cfg contract.CheckConfig) sso.Option {
	t.Helper()
	c, err := contract.NewChecker(v, cfg)
	require.NoError(t, err)
	return ssocheck.WithValidation(c)
}

// TestLocalProvider runs every scenario end to end against the local
// provider over loopback TCP, through the client and the validating
// transport in enforce and strict mode: the live path, offline.
func TestLocalProvider(t *testing.T) {
	tg := localTarget(t, "secret-test-local-provider-run")
	fx := newFixtures(t)
	v := strictValidator(t)
	ctx := testutil.HangGuard(t, "every scenario against the local provider")
	for _, s := range scenarios() {
		t.Run(s.id(), func(t *testing.T) {
			if s.needs != nil {
				require.Empty(t, s.needs(tg), "the local provider must support every scenario")
			}
			runScenario(ctx, t, tg, s, fx, nil, v)
		})
	}

	// The provider's final state is what the last accepted calls made it.
	saml, ok := tg.local.SAMLConnection(tg.orgID, tg.samlID)
	require.True(t, ok)
	assert.Equal(t, "Addressed by slug", saml.DisplayName, "the last accepted SAML update set the display name")
	assert.False(t, saml.IDPInitiatedAuthDisabled, "zero_values switched the flag back off after full_update set it")
	assert.Empty(t, saml.SAMLGroupImplicitRoleAssignments)
	ext, ok := tg.local.ExternalConnection(tg.orgSlug, tg.externalID)
	require.True(t, ok)
	assert.Equal(t, "Addressed by slug", ext.DisplayName)
	assert.Equal(t, []stytchsso.ConnectionImplicitRoleAssignment{}, emptyIfNil(ext.ExternalConnectionImplicitRoleAssignments))
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
