package contracttests

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/testutil"
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
	extParams := &sso.ExternalConnectionUpdate{
		DisplayName: sso.Ptr(ext.DisplayName),
		ExternalConnectionImplicitRoleAssignments: sso.Ptr(emptyIfNil(ext.ExternalConnectionImplicitRoleAssignments)),
		ExternalGroupImplicitRoleAssignments:      sso.Ptr(emptyIfNil(ext.ExternalGroupImplicitRoleAssignments)),
	}
	certsBefore := certificateIDs(saml)

	restore := func() {
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		after, samlErr := c.UpdateSAMLConnection(rctx, tg.orgID, tg.samlID, samlParams)
		if samlErr != nil {
			manual(t, "SAML connection "+tg.samlID, samlParams, samlErr)
		}
		_, extErr := c.UpdateExternalConnection(rctx, tg.orgID, tg.externalID, extParams)
		if extErr != nil {
			manual(t, "External connection "+tg.externalID, extParams, extErr)
		}
		if samlErr == nil && extErr == nil {
			if msg := liveRunNotice(tg, samlParams, extParams, newIDs(certsBefore, certificateIDs(after))); msg != "" {
				fmt.Fprint(os.Stderr, msg)
			}
		}
	}
	remove := pendingRestores.add(restore)
	t.Cleanup(func() {
		remove()
		restore()
	})
}

// isStytch reports whether the target is one of Stytch's own environments,
// where what a run changes outlives the run (a local provider's state goes
// away with it).
func isStytch(tg *target) bool {
	u, err := url.Parse(tg.baseURL)
	if err != nil {
		return false
	}
	for _, env := range []sso.Environment{sso.EnvironmentTest, sso.EnvironmentLive} {
		if e, err := url.Parse(string(env)); err == nil && strings.EqualFold(u.Host, e.Host) {
			return true
		}
	}
	return false
}

// liveRunNotice says what a live run against Stytch put back and what it
// could not: the fields of each connection are restored to their values
// before the run; certificates and keys the suite added stay, and the
// signing certificate replaced by a signing key cannot be put back, since
// the update API can add but not remove them. Against any other target (the
// in-process provider, `ssocontract serve`) it returns "": that state is
// not Stytch's and goes away with the provider.
func liveRunNotice(tg *target, saml *sso.SAMLConnectionUpdate, ext *sso.ExternalConnectionUpdate, added []string) string {
	if !isStytch(tg) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "contracttests: live run against %s: restored to their values before the run:\n", tg.baseURL)
	fmt.Fprintf(&b, "  SAML connection %s: %s\n", tg.samlID, strings.Join(jsonKeys(saml), ", "))
	fmt.Fprintf(&b, "  External connection %s: %s\n", tg.externalID, strings.Join(jsonKeys(ext), ", "))
	fmt.Fprintf(&b, "  (status follows from these fields)\n")
	if missing := missingKeys(samlRestorableFields, jsonKeys(saml)); len(missing) > 0 {
		fmt.Fprintf(&b, "contracttests: NOT restored on SAML connection %s (no value before the run, and an update cannot unset them): %s\n",
			tg.samlID, strings.Join(missing, ", "))
	}
	if len(added) == 0 {
		fmt.Fprintf(&b, "contracttests: not restored: nothing; the run added no certificate or key\n")
		return b.String()
	}
	fmt.Fprintf(&b, "contracttests: NOT restored (the update API can add these but not remove them) on SAML connection %s:\n", tg.samlID)
	for _, id := range added {
		kind, certID, _ := strings.Cut(id, ":")
		switch kind {
		case "signing":
			fmt.Fprintf(&b, "  signing certificate %q replaced the previous signing certificate, which cannot be put back\n", certID)
		case "verification":
			fmt.Fprintf(&b, "  verification certificate %q was added (a throwaway test certificate)\n", certID)
		case "encryption-key":
			fmt.Fprintf(&b, "  encryption private key %q was added (a throwaway test key)\n", certID)
		default:
			fmt.Fprintf(&b, "  %s was added\n", id)
		}
	}
	fmt.Fprintf(&b, "  Delete them in the Stytch dashboard if unwanted.\n")
	return b.String()
}

// samlRestorableFields are the SAML update fields that are settings rather
// than certificates or keys: a restore sets each of them back when it had a
// value before the run.
var samlRestorableFields = []string{
	"allow_gateway_callback", "alternative_acs_url", "alternative_audience_uri", "attribute_mapping",
	"display_name", "identity_provider", "idp_entity_id", "idp_initiated_auth_disabled", "idp_sso_url",
	"nameid_format", "saml_connection_implicit_role_assignments", "saml_group_implicit_role_assignments",
}

func missingKeys(want, have []string) []string {
	var out []string
	for _, k := range want {
		if !slices.Contains(have, k) {
			out = append(out, k)
		}
	}
	return out
}

// jsonKeys lists the fields params sets, by their JSON names, sorted.
func jsonKeys(params any) []string {
	data, err := json.Marshal(params)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func samlRestoreParams(s *stytchsso.SAMLConnection) *sso.SAMLConnectionUpdate {
	p := &sso.SAMLConnectionUpdate{
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
	ctx := testutil.HangGuard(t, "the live suite against Stytch")
	protectLiveConnections(ctx, t, tg)
	tg.honoursPrefer = detectPrefer(ctx, t, tg)
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
	t.Setenv("STYTCH_PROJECT_ID", testutil.ProjectID)
	tg, msg := liveTarget()
	require.Nil(t, tg)
	for _, name := range liveVars[1:] {
		require.Contains(t, msg, name)
	}
	require.NotContains(t, msg, "STYTCH_PROJECT_ID,", "a set variable is not reported missing")
}

// TestLiveRunNotice: the notice about what a live run changed is printed
// only for Stytch itself, and names exactly what was restored and what was
// not.
func TestLiveRunNotice(t *testing.T) {
	t.Parallel()
	saml := samlRestoreParams(&stytchsso.SAMLConnection{DisplayName: "d", IdentityProvider: "generic"})
	full := samlRestoreParams(&stytchsso.SAMLConnection{IdentityProvider: "generic", AttributeMapping: &stytchsso.AttributeMapping{"email": "mail"}})
	assert.Equal(t, samlRestorableFields, jsonKeys(full), "a snapshot with every setting restores every setting")
	ext := &sso.ExternalConnectionUpdate{DisplayName: sso.Ptr("e")}
	added := []string{"signing:saml-certificate-test-1", "verification:saml-certificate-test-2", "encryption-key:saml-encryption-private-key-test-3"}
	for _, base := range []string{"https://127.0.0.1:8443", "http://localhost:1", "https://test.stytch.com.example.org"} {
		tg := &target{baseURL: base, samlID: "saml-connection-test-x", externalID: "external-connection-test-y"}
		assert.Empty(t, liveRunNotice(tg, saml, ext, added), "no notice for %s", base)
	}
	for _, base := range []string{string(sso.EnvironmentTest), string(sso.EnvironmentLive)} {
		tg := &target{baseURL: base, samlID: "saml-connection-test-x", externalID: "external-connection-test-y"}
		msg := liveRunNotice(tg, saml, ext, added)
		assert.Contains(t, msg, "SAML connection saml-connection-test-x: allow_gateway_callback, alternative_acs_url, alternative_audience_uri, display_name, identity_provider, idp_entity_id, idp_initiated_auth_disabled, idp_sso_url, nameid_format, saml_connection_implicit_role_assignments, saml_group_implicit_role_assignments\n")
		assert.Contains(t, msg, "(no value before the run, and an update cannot unset them): attribute_mapping\n")
		assert.Contains(t, msg, "External connection external-connection-test-y: display_name\n")
		assert.Contains(t, msg, `signing certificate "saml-certificate-test-1" replaced the previous signing certificate, which cannot be put back`)
		assert.Contains(t, msg, `verification certificate "saml-certificate-test-2" was added`)
		assert.Contains(t, msg, `encryption private key "saml-encryption-private-key-test-3" was added`)
		assert.Contains(t, liveRunNotice(tg, saml, ext, nil), "not restored: nothing")
	}
}
