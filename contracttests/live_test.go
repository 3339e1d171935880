package contracttests

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// liveVars are the variables the live suite needs; the optional ones unlock
// more scenarios.
var (
	liveVars     = []string{"STYTCH_PROJECT_ID", "STYTCH_SECRET", "STYTCH_ORGANIZATION_ID", "STYTCH_SAML_CONNECTION_ID", "STYTCH_EXTERNAL_CONNECTION_ID"}
	optionalVars = "optional: STYTCH_BASE_URL, STYTCH_CA_CERT, STYTCH_ORGANIZATION_SLUG, STYTCH_MEMBER_SESSION_TOKEN, STYTCH_MEMBER_SESSION_JWT, STYTCH_DENIED_MEMBER_SESSION"
)

// liveTarget reads the live target from the environment. With a variable
// missing it returns nil and a message naming every missing variable (never
// a value).
func liveTarget() (*target, string) {
	var missing []string
	for _, name := range liveVars {
		if os.Getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Sprintf("set %s (%s)", strings.Join(missing, ", "), optionalVars)
	}
	projectID := os.Getenv("STYTCH_PROJECT_ID")
	base := os.Getenv("STYTCH_BASE_URL")
	if base == "" {
		base = string(sso.EnvironmentTest)
		if strings.HasPrefix(projectID, "project-live-") {
			base = string(sso.EnvironmentLive)
		}
	}
	tg := &target{
		name:          "stytch",
		baseURL:       base,
		projectID:     projectID,
		secret:        os.Getenv("STYTCH_SECRET"),
		orgID:         os.Getenv("STYTCH_ORGANIZATION_ID"),
		orgSlug:       os.Getenv("STYTCH_ORGANIZATION_SLUG"),
		samlID:        os.Getenv("STYTCH_SAML_CONNECTION_ID"),
		externalID:    os.Getenv("STYTCH_EXTERNAL_CONNECTION_ID"),
		sessionToken:  os.Getenv("STYTCH_MEMBER_SESSION_TOKEN"),
		sessionJWT:    os.Getenv("STYTCH_MEMBER_SESSION_JWT"),
		deniedSession: os.Getenv("STYTCH_DENIED_MEMBER_SESSION"),
	}
	if ca := os.Getenv("STYTCH_CA_CERT"); ca != "" {
		// A local provider started with `ssocontract serve --tls`.
		pemBytes, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Sprintf("STYTCH_CA_CERT: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return nil, "STYTCH_CA_CERT: no PEM certificate in the file"
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		tg.transport = tr
		tg.name = "provider at STYTCH_BASE_URL"
	}
	return tg, ""
}

// protectLiveConnections snapshots both connections (an update with an empty
// body returns the current state) and restores them when the test ends,
// fails or is interrupted. A restore that fails says loudly what to put back
// by hand, never a secret.
func protectLiveConnections(ctx context.Context, t *testing.T, tg *target) {
	t.Helper()
	c, err := sso.New(tg.projectID, tg.secret, sso.WithBaseURL(tg.baseURL), sso.WithHTTPClient(&http.Client{Transport: orDefault(tg.transport)}))
	require.NoError(t, err)
	saml, err := c.UpdateSAMLConnection(ctx, tg.orgID, tg.samlID, nil)
	require.NoError(t, err, "snapshot of the SAML connection")
	ext, err := c.UpdateExternalConnection(ctx, tg.orgID, tg.externalID, nil)
	require.NoError(t, err, "snapshot of the External connection")
	samlParams := samlRestoreParams(saml)
	extParams := &sso.UpdateExternalConnectionParams{
		DisplayName: sso.Ptr(ext.DisplayName),
		ExternalConnectionImplicitRoleAssignments: sso.Ptr(emptyIfNil(ext.ExternalConnectionImplicitRoleAssignments)),
		ExternalGroupImplicitRoleAssignments:      sso.Ptr(emptyIfNil(ext.ExternalGroupImplicitRoleAssignments)),
	}
	certsBefore := certificateIDs(saml)

	restore := func() {
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		after, err := c.UpdateSAMLConnection(rctx, tg.orgID, tg.samlID, samlParams)
		if err != nil {
			manual(t, "SAML connection "+tg.samlID, samlParams, err)
		} else if added := newIDs(certsBefore, certificateIDs(after)); len(added) > 0 {
			fmt.Fprintf(os.Stderr, "contracttests: the suite added certificates or keys to SAML connection %s that the API cannot remove by update; delete them by hand if unwanted: %s\n",
				tg.samlID, strings.Join(added, ", "))
		}
		if _, err := c.UpdateExternalConnection(rctx, tg.orgID, tg.externalID, extParams); err != nil {
			manual(t, "External connection "+tg.externalID, extParams, err)
		}
	}
	remove := pendingRestores.add(restore)
	t.Cleanup(func() {
		remove()
		restore()
	})
}

func samlRestoreParams(s *stytchsso.SAMLConnection) *sso.UpdateSAMLConnectionParams {
	p := &sso.UpdateSAMLConnectionParams{
		IDPEntityID:                           sso.Ptr(s.IDPEntityID),
		DisplayName:                           sso.Ptr(s.DisplayName),
		IDPSSOURL:                             sso.Ptr(s.IDPSSOURL),
		AttributeMapping:                      s.AttributeMapping,
		SAMLConnectionImplicitRoleAssignments: sso.Ptr(emptyIfNil(s.SAMLConnectionImplicitRoleAssignments)),
		SAMLGroupImplicitRoleAssignments:      sso.Ptr(emptyIfNil(s.SAMLGroupImplicitRoleAssignments)),
		AlternativeAudienceURI:                sso.Ptr(s.AlternativeAudienceURI),
		NameIDFormat:                          sso.Ptr(s.NameIDFormat),
		AlternativeACSURL:                     sso.Ptr(s.AlternativeACSURL),
		IDPInitiatedAuthDisabled:              sso.Ptr(s.IDPInitiatedAuthDisabled),
		AllowGatewayCallback:                  sso.Ptr(s.AllowGatewayCallback),
	}
	if idp := stytchsso.IdentityProvider(s.IdentityProvider); idp.Valid() {
		p.IdentityProvider = &idp
	}
	return p
}

func certificateIDs(s *stytchsso.SAMLConnection) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, c := range s.SigningCertificates {
		out = append(out, "signing:"+c.CertificateID)
	}
	for _, c := range s.VerificationCertificates {
		out = append(out, "verification:"+c.CertificateID)
	}
	for _, k := range s.EncryptionPrivateKeys {
		out = append(out, "encryption-key:"+k.PrivateKeyID)
	}
	return out
}

func newIDs(before, after []string) []string {
	had := map[string]bool{}
	for _, id := range before {
		had[id] = true
	}
	var out []string
	for _, id := range after {
		if !had[id] {
			out = append(out, id)
		}
	}
	return out
}

// manual reports a failed restore with the settings to put back by hand.
// Restore params never hold a secret: keys and certificates are not in them.
func manual(t *testing.T, what string, params any, err error) {
	data, _ := json.MarshalIndent(params, "", "  ")
	msg := fmt.Sprintf("RESTORE FAILED for %s: %v\nPut these settings back by hand (PUT the JSON below to the connection):\n%s", what, err, data)
	fmt.Fprintln(os.Stderr, "contracttests: "+msg)
	t.Error(msg)
}

// TestLive runs every scenario against Stytch's test environment (or any
// target the STYTCH_* variables name, such as `ssocontract serve`), through
// the validating transport in enforce and strict mode. It skips, naming the
// variables to set, without credentials.
func TestLive(t *testing.T) {
	tg, missing := liveTarget()
	if tg == nil {
		t.Skipf("live contract suite skipped: %s", missing)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	protectLiveConnections(ctx, t, tg)
	fx := newFixtures(t)
	v := strictValidator(t)
	for _, s := range scenarios() {
		t.Run(s.id(), func(t *testing.T) {
			if s.needs != nil {
				if why := s.needs(tg); why != "" {
					t.Skip(why)
				}
			}
			runScenario(ctx, t, tg, s, fx, nil, v)
		})
	}
}

func TestLiveTargetNamesMissingVariables(t *testing.T) {
	for _, name := range liveVars {
		t.Setenv(name, "")
	}
	t.Setenv("STYTCH_PROJECT_ID", "project-test-00000000-0000-0000-0000-000000000000")
	tg, msg := liveTarget()
	require.Nil(t, tg)
	for _, name := range liveVars[1:] {
		require.Contains(t, msg, name)
	}
	require.NotContains(t, msg, "STYTCH_PROJECT_ID,", "a set variable is not reported missing")
}
