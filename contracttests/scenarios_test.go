package contracttests

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// target is where scenarios run: Stytch itself, the local provider, or (in
// replay) the IDs a recording was made with.
type target struct {
	name      string
	baseURL   string
	projectID string
	secret    string

	orgID      string
	orgSlug    string
	samlID     string
	externalID string

	// Member sessions the API accepts for updates, and one it refuses (403).
	sessionToken  string
	sessionJWT    string
	deniedSession string

	// transport reaches the target (nil: http.DefaultTransport).
	transport http.RoundTripper
	// local is set for the in-process provider, which can be told to answer
	// 429 and 500: Stytch cannot be made to.
	local *provider.Provider
}

// ids is what a recording needs to replay: the non-secret identifiers the
// scenarios were recorded with.
type ids struct {
	OrganizationID       string `json:"organization_id"`
	OrganizationSlug     string `json:"organization_slug"`
	SAMLConnectionID     string `json:"saml_connection_id"`
	ExternalConnectionID string `json:"external_connection_id"`
	// RecordedFrom says where the recordings came from: "stytch" or
	// "local-provider". Never a URL with credentials.
	RecordedFrom string `json:"recorded_from"`
}

// fixtures are the inputs scenarios send: a fixed IdP certificate (public,
// committed, so recorded bodies replay byte for byte) and private keys made
// for this run (secret, so never committed and always redacted).
type fixtures struct {
	idpCertificate   string
	signingKey       string
	encryptionKey    string
	badCertificate   string
	unknownConnID    string
	unknownExtConnID string
}

func newFixtures(t testing.TB) *fixtures {
	t.Helper()
	cert, err := os.ReadFile(filepath.Join("testdata", "idp-certificate.pem"))
	require.NoError(t, err)
	return &fixtures{
		idpCertificate:   string(cert),
		signingKey:       rsaPKCS1PEM(t),
		encryptionKey:    rsaPKCS1PEM(t),
		badCertificate:   "this is not a PEM certificate",
		unknownConnID:    "saml-connection-test-00000000-0000-4000-8000-000000000404",
		unknownExtConnID: "external-connection-test-00000000-0000-4000-8000-000000000404",
	}
}

func rsaPKCS1PEM(t testing.TB) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}

// secrets lists every secret value a run on tg with fx may send, for
// redaction and for canary checks.
func (tg *target) secrets(fx *fixtures) []string {
	out := []string{tg.secret, fx.signingKey, fx.encryptionKey}
	for _, s := range []string{tg.sessionToken, tg.sessionJWT, tg.deniedSession} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// scenario is one call the suite makes against every target, and what must
// come of it.
type scenario struct {
	// name is also the recording's file name, under testdata/cassettes/<op>/.
	name string
	// op is "saml" or "external".
	op string
	// wantStatus is the HTTP status the call must get.
	wantStatus int
	// wantErr is the sentinel the client's error must match; nil for success.
	wantErr error
	// wantErrorType is the error_type Stytch answers with, where the facts fix it.
	wantErrorType string
	// wrongSecret makes the call with a secret the API rejects (401).
	wrongSecret bool
	// needs says why the scenario cannot run on tg ("" when it can).
	needs func(tg *target) string
	// before prepares the target; it runs only on the local provider, the
	// one target that takes orders.
	before func(tg *target)
	// call makes the request.
	call func(ctx context.Context, c *sso.Client, tg *target, fx *fixtures) (any, error)
	// check inspects a successful result.
	check func(t *testing.T, got any, tg *target, fx *fixtures)
}

func (s scenario) id() string { return s.op + "/" + s.name }

func needsLocal(tg *target) string {
	if tg.local == nil {
		return "only the local provider can be made to answer this status on demand"
	}
	return ""
}

func needsSession(tg *target) string {
	if tg.sessionToken == "" {
		return "set STYTCH_MEMBER_SESSION_TOKEN to a member session allowed to update SSO connections"
	}
	return ""
}

func needsJWT(tg *target) string {
	if tg.sessionJWT == "" {
		return "set STYTCH_MEMBER_SESSION_JWT to a member session JWT allowed to update SSO connections"
	}
	return ""
}

func needsDenied(tg *target) string {
	if tg.deniedSession == "" {
		return "set STYTCH_DENIED_MEMBER_SESSION to a member session token without permission to update SSO connections"
	}
	return ""
}

func needsSlug(tg *target) string {
	if tg.orgSlug == "" {
		return "set STYTCH_ORGANIZATION_SLUG to the organization's slug"
	}
	return ""
}

func samlCall(params func(fx *fixtures) *sso.UpdateSAMLConnectionParams, org func(tg *target) string,
	conn func(tg *target, fx *fixtures) string, opts func(tg *target) []sso.CallOption) func(context.Context, *sso.Client, *target, *fixtures) (any, error) {
	return func(ctx context.Context, c *sso.Client, tg *target, fx *fixtures) (any, error) {
		var p *sso.UpdateSAMLConnectionParams
		if params != nil {
			p = params(fx)
		}
		o := tg.orgID
		if org != nil {
			o = org(tg)
		}
		cn := tg.samlID
		if conn != nil {
			cn = conn(tg, fx)
		}
		var co []sso.CallOption
		if opts != nil {
			co = opts(tg)
		}
		return c.UpdateSAMLConnection(ctx, o, cn, p, co...)
	}
}

func externalCall(params func(fx *fixtures) *sso.UpdateExternalConnectionParams, org func(tg *target) string,
	conn func(tg *target, fx *fixtures) string, opts func(tg *target) []sso.CallOption) func(context.Context, *sso.Client, *target, *fixtures) (any, error) {
	return func(ctx context.Context, c *sso.Client, tg *target, fx *fixtures) (any, error) {
		var p *sso.UpdateExternalConnectionParams
		if params != nil {
			p = params(fx)
		}
		o := tg.orgID
		if org != nil {
			o = org(tg)
		}
		cn := tg.externalID
		if conn != nil {
			cn = conn(tg, fx)
		}
		var co []sso.CallOption
		if opts != nil {
			co = opts(tg)
		}
		return c.UpdateExternalConnection(ctx, o, cn, p, co...)
	}
}

func fullSAMLUpdate(fx *fixtures) *sso.UpdateSAMLConnectionParams {
	idp := stytchsso.Okta
	return &sso.UpdateSAMLConnectionParams{
		IDPEntityID:     sso.Ptr("https://idp.example.test/metadata"),
		DisplayName:     sso.Ptr("Contract suite SAML"),
		X509Certificate: sso.Ptr(fx.idpCertificate),
		IDPSSOURL:       sso.Ptr("https://idp.example.test/sso/saml"),
		AttributeMapping: &stytchsso.AttributeMapping{
			"email": "NameID", "first_name": "firstName", "last_name": "lastName", "groups": "groups",
		},
		SAMLConnectionImplicitRoleAssignments: &[]stytchsso.SAMLConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}},
		SAMLGroupImplicitRoleAssignments:      &[]stytchsso.SAMLGroupImplicitRoleAssignment{{RoleID: "stytch_admin", Group: "admins"}},
		AlternativeAudienceURI:                sso.Ptr("https://legacy.example.test/saml/metadata"),
		IdentityProvider:                      &idp,
		SigningPrivateKey:                     sso.Ptr(fx.signingKey),
		NameIDFormat:                          sso.Ptr("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
		AlternativeACSURL:                     sso.Ptr("https://legacy.example.test/saml/acs"),
		IDPInitiatedAuthDisabled:              sso.Ptr(true),
		SAMLEncryptionPrivateKey:              sso.Ptr(fx.encryptionKey),
		AllowGatewayCallback:                  sso.Ptr(false),
	}
}

func fullExternalUpdate(*fixtures) *sso.UpdateExternalConnectionParams {
	return &sso.UpdateExternalConnectionParams{
		DisplayName: sso.Ptr("Contract suite External"),
		ExternalConnectionImplicitRoleAssignments: &[]stytchsso.ConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}},
		ExternalGroupImplicitRoleAssignments:      &[]stytchsso.GroupImplicitRoleAssignment{{RoleID: "stytch_admin", Group: "admins"}},
	}
}

func displayNameIs(want string) func(*testing.T, any, *target, *fixtures) {
	return func(t *testing.T, got any, tg *target, _ *fixtures) {
		switch c := got.(type) {
		case *stytchsso.SAMLConnection:
			assert.Equal(t, want, c.DisplayName)
			assert.Equal(t, tg.samlID, c.ConnectionID)
		case *stytchsso.ExternalConnection:
			assert.Equal(t, want, c.DisplayName)
			assert.Equal(t, tg.externalID, c.ConnectionID)
		default:
			t.Fatalf("unexpected result type %T", got)
		}
	}
}

func sessionOpt(tg *target) []sso.CallOption {
	return []sso.CallOption{sso.WithMemberSessionToken(tg.sessionToken)}
}
func jwtOpt(tg *target) []sso.CallOption {
	return []sso.CallOption{sso.WithMemberSessionJWT(tg.sessionJWT)}
}
func deniedOpt(tg *target) []sso.CallOption {
	return []sso.CallOption{sso.WithMemberSessionToken(tg.deniedSession)}
}
func slugOrg(tg *target) string { return tg.orgSlug }

// scenarios is the whole suite: every case runs in replay, against the local
// provider and live against Stytch (where it can be provoked there).
func scenarios() []scenario {
	var out []scenario
	// SAML.
	out = append(out,
		scenario{name: "full_update", op: "saml", wantStatus: 200,
			call: samlCall(fullSAMLUpdate, nil, nil, nil),
			check: func(t *testing.T, got any, tg *target, fx *fixtures) {
				c := got.(*stytchsso.SAMLConnection)
				assert.Equal(t, "Contract suite SAML", c.DisplayName)
				assert.Equal(t, "https://idp.example.test/sso/saml", c.IDPSSOURL)
				assert.Equal(t, "okta", c.IdentityProvider)
				assert.True(t, c.IDPInitiatedAuthDisabled)
				assert.Equal(t, "active", c.Status, "idp_sso_url, attribute_mapping, idp_entity_id and a certificate are all set")
				assert.NotEmpty(t, c.SigningCertificates, "a signing certificate is made from signing_private_key")
				assert.NotEmpty(t, c.EncryptionPrivateKeys)
				var certs []string
				for _, v := range c.VerificationCertificates {
					certs = append(certs, v.Certificate)
				}
				assert.Contains(t, certs, fx.idpCertificate)
				assert.Equal(t, []stytchsso.SAMLGroupImplicitRoleAssignment{{RoleID: "stytch_admin", Group: "admins"}}, c.SAMLGroupImplicitRoleAssignments)
			}},
		scenario{name: "empty_body", op: "saml", wantStatus: 200,
			call: samlCall(nil, nil, nil, nil),
			check: func(t *testing.T, got any, tg *target, _ *fixtures) {
				assert.Equal(t, tg.samlID, got.(*stytchsso.SAMLConnection).ConnectionID)
			}},
		scenario{name: "zero_values", op: "saml", wantStatus: 200,
			call: samlCall(func(*fixtures) *sso.UpdateSAMLConnectionParams {
				return &sso.UpdateSAMLConnectionParams{
					IDPInitiatedAuthDisabled:              sso.Ptr(false),
					AlternativeACSURL:                     sso.Ptr(""),
					SAMLConnectionImplicitRoleAssignments: sso.EmptyList[stytchsso.SAMLConnectionImplicitRoleAssignment](),
					SAMLGroupImplicitRoleAssignments:      sso.EmptyList[stytchsso.SAMLGroupImplicitRoleAssignment](),
				}
			}, nil, nil, nil),
			check: func(t *testing.T, got any, _ *target, _ *fixtures) {
				c := got.(*stytchsso.SAMLConnection)
				assert.False(t, c.IDPInitiatedAuthDisabled, "false must reach the API and switch the flag off")
				assert.Empty(t, c.AlternativeACSURL)
				assert.Empty(t, c.SAMLConnectionImplicitRoleAssignments)
				assert.Empty(t, c.SAMLGroupImplicitRoleAssignments)
			}},
		scenario{name: "member_session_token", op: "saml", wantStatus: 200, needs: needsSession,
			call: samlCall(func(*fixtures) *sso.UpdateSAMLConnectionParams {
				return &sso.UpdateSAMLConnectionParams{DisplayName: sso.Ptr("Updated by a member")}
			}, nil, nil, sessionOpt),
			check: displayNameIs("Updated by a member")},
		scenario{name: "member_session_jwt", op: "saml", wantStatus: 200, needs: needsJWT,
			call: samlCall(func(*fixtures) *sso.UpdateSAMLConnectionParams {
				return &sso.UpdateSAMLConnectionParams{DisplayName: sso.Ptr("Updated with a JWT")}
			}, nil, nil, jwtOpt),
			check: displayNameIs("Updated with a JWT")},
		scenario{name: "organization_slug", op: "saml", wantStatus: 200, needs: needsSlug,
			call: samlCall(func(*fixtures) *sso.UpdateSAMLConnectionParams {
				return &sso.UpdateSAMLConnectionParams{DisplayName: sso.Ptr("Addressed by slug")}
			}, slugOrg, nil, nil),
			check: displayNameIs("Addressed by slug")},
		scenario{name: "bad_request", op: "saml", wantStatus: 400, wantErr: sso.ErrBadRequest, wantErrorType: "invalid_x509_certificate",
			call: samlCall(func(fx *fixtures) *sso.UpdateSAMLConnectionParams {
				return &sso.UpdateSAMLConnectionParams{X509Certificate: sso.Ptr(fx.badCertificate)}
			}, nil, nil, nil)},
		scenario{name: "unauthorized", op: "saml", wantStatus: 401, wantErr: sso.ErrUnauthorized, wantErrorType: "unauthorized_credentials", wrongSecret: true,
			call: samlCall(nil, nil, nil, nil)},
		scenario{name: "forbidden", op: "saml", wantStatus: 403, wantErr: sso.ErrForbidden, needs: needsDenied,
			call: samlCall(func(*fixtures) *sso.UpdateSAMLConnectionParams {
				return &sso.UpdateSAMLConnectionParams{DisplayName: sso.Ptr("Not allowed")}
			}, nil, nil, deniedOpt)},
		scenario{name: "not_found", op: "saml", wantStatus: 404, wantErr: sso.ErrNotFound,
			call: samlCall(func(*fixtures) *sso.UpdateSAMLConnectionParams {
				return &sso.UpdateSAMLConnectionParams{DisplayName: sso.Ptr("Nobody")}
			}, nil,
				func(_ *target, fx *fixtures) string { return fx.unknownConnID }, nil)},
		scenario{name: "rate_limited", op: "saml", wantStatus: 429, wantErr: sso.ErrRateLimited, wantErrorType: "too_many_requests", needs: needsLocal,
			before: func(tg *target) { tg.local.ThrottleNext(1) },
			call:   samlCall(nil, nil, nil, nil)},
		scenario{name: "server_error", op: "saml", wantStatus: 500, wantErr: sso.ErrServerError, wantErrorType: "internal_server_error", needs: needsLocal,
			before: func(tg *target) { tg.local.FailNext(1) },
			call:   samlCall(nil, nil, nil, nil)},
	)
	// External.
	out = append(out,
		scenario{name: "full_update", op: "external", wantStatus: 200,
			call: externalCall(fullExternalUpdate, nil, nil, nil),
			check: func(t *testing.T, got any, _ *target, _ *fixtures) {
				c := got.(*stytchsso.ExternalConnection)
				assert.Equal(t, "Contract suite External", c.DisplayName)
				assert.Equal(t, "active", c.Status)
				assert.Equal(t, []stytchsso.ConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}}, c.ExternalConnectionImplicitRoleAssignments)
				assert.Equal(t, []stytchsso.GroupImplicitRoleAssignment{{RoleID: "stytch_admin", Group: "admins"}}, c.ExternalGroupImplicitRoleAssignments)
			}},
		scenario{name: "empty_body", op: "external", wantStatus: 200,
			call: externalCall(nil, nil, nil, nil),
			check: func(t *testing.T, got any, tg *target, _ *fixtures) {
				assert.Equal(t, tg.externalID, got.(*stytchsso.ExternalConnection).ConnectionID)
			}},
		scenario{name: "zero_values", op: "external", wantStatus: 200,
			call: externalCall(func(*fixtures) *sso.UpdateExternalConnectionParams {
				return &sso.UpdateExternalConnectionParams{
					ExternalConnectionImplicitRoleAssignments: sso.EmptyList[stytchsso.ConnectionImplicitRoleAssignment](),
					ExternalGroupImplicitRoleAssignments:      sso.EmptyList[stytchsso.GroupImplicitRoleAssignment](),
				}
			}, nil, nil, nil),
			check: func(t *testing.T, got any, _ *target, _ *fixtures) {
				c := got.(*stytchsso.ExternalConnection)
				assert.Empty(t, c.ExternalConnectionImplicitRoleAssignments, "[] must reach the API and clear the list")
				assert.Empty(t, c.ExternalGroupImplicitRoleAssignments)
			}},
		scenario{name: "member_session_token", op: "external", wantStatus: 200, needs: needsSession,
			call: externalCall(func(*fixtures) *sso.UpdateExternalConnectionParams {
				return &sso.UpdateExternalConnectionParams{DisplayName: sso.Ptr("Updated by a member")}
			}, nil, nil, sessionOpt),
			check: displayNameIs("Updated by a member")},
		scenario{name: "member_session_jwt", op: "external", wantStatus: 200, needs: needsJWT,
			call: externalCall(func(*fixtures) *sso.UpdateExternalConnectionParams {
				return &sso.UpdateExternalConnectionParams{DisplayName: sso.Ptr("Updated with a JWT")}
			}, nil, nil, jwtOpt),
			check: displayNameIs("Updated with a JWT")},
		scenario{name: "organization_slug", op: "external", wantStatus: 200, needs: needsSlug,
			call: externalCall(func(*fixtures) *sso.UpdateExternalConnectionParams {
				return &sso.UpdateExternalConnectionParams{DisplayName: sso.Ptr("Addressed by slug")}
			}, slugOrg, nil, nil),
			check: displayNameIs("Addressed by slug")},
		scenario{name: "bad_request", op: "external", wantStatus: 400, wantErr: sso.ErrBadRequest,
			call: externalCall(func(*fixtures) *sso.UpdateExternalConnectionParams {
				return &sso.UpdateExternalConnectionParams{
					ExternalConnectionImplicitRoleAssignments: &[]stytchsso.ConnectionImplicitRoleAssignment{{RoleID: ""}},
				}
			}, nil, nil, nil)},
		scenario{name: "unauthorized", op: "external", wantStatus: 401, wantErr: sso.ErrUnauthorized, wantErrorType: "unauthorized_credentials", wrongSecret: true,
			call: externalCall(nil, nil, nil, nil)},
		scenario{name: "forbidden", op: "external", wantStatus: 403, wantErr: sso.ErrForbidden, needs: needsDenied,
			call: externalCall(func(*fixtures) *sso.UpdateExternalConnectionParams {
				return &sso.UpdateExternalConnectionParams{DisplayName: sso.Ptr("Not allowed")}
			}, nil, nil, deniedOpt)},
		scenario{name: "not_found", op: "external", wantStatus: 404, wantErr: sso.ErrNotFound,
			call: externalCall(func(*fixtures) *sso.UpdateExternalConnectionParams {
				return &sso.UpdateExternalConnectionParams{DisplayName: sso.Ptr("Nobody")}
			}, nil,
				func(_ *target, fx *fixtures) string { return fx.unknownExtConnID }, nil)},
		scenario{name: "rate_limited", op: "external", wantStatus: 429, wantErr: sso.ErrRateLimited, wantErrorType: "too_many_requests", needs: needsLocal,
			before: func(tg *target) { tg.local.ThrottleNext(1) },
			call:   externalCall(nil, nil, nil, nil)},
		scenario{name: "server_error", op: "external", wantStatus: 500, wantErr: sso.ErrServerError, wantErrorType: "internal_server_error", needs: needsLocal,
			before: func(tg *target) { tg.local.FailNext(1) },
			call:   externalCall(nil, nil, nil, nil)},
	)
	return out
}

// clientFor builds the client a scenario runs with: no retries (each
// scenario is exactly one exchange), the contract-validating transport in
// enforce and strict mode just above the network (or the recorder), and the
// wrong secret for the 401 scenario.
func clientFor(t testing.TB, tg *target, s scenario, bottom http.RoundTripper, v *contract.Validator) *sso.Client {
	t.Helper()
	secret := tg.secret
	if s.wrongSecret {
		secret = "secret-test-wrong-00000000"
	}
	if bottom == nil {
		bottom = tg.transport
	}
	if bottom == nil {
		bottom = http.DefaultTransport
	}
	c, err := sso.New(tg.projectID, secret,
		sso.WithBaseURL(tg.baseURL),
		sso.WithoutRetries(),
		sso.WithHTTPClient(&http.Client{Transport: bottom}),
		validation(t, v, contract.CheckConfig{Mode: contract.Enforce}),
	)
	require.NoError(t, err)
	return c
}

// runScenario runs s on tg through bottom and checks the outcome: the typed
// result or the typed error the scenario expects.
func runScenario(ctx context.Context, t *testing.T, tg *target, s scenario, fx *fixtures, bottom http.RoundTripper, v *contract.Validator) {
	t.Helper()
	if s.before != nil && tg.local != nil {
		s.before(tg)
	}
	c := clientFor(t, tg, s, bottom, v)
	got, err := s.call(ctx, c, tg, fx)
	if s.wantErr == nil {
		require.NoError(t, err, "%s on %s", s.id(), tg.name)
		require.NotNil(t, got)
		if s.check != nil {
			s.check(t, got, tg, fx)
		}
		return
	}
	require.Error(t, err, "%s on %s: want %v", s.id(), tg.name, s.wantErr)
	assertNilResult(t, got)
	var ce *contract.ContractError
	require.False(t, errors.As(err, &ce), "%s on %s broke the contract: %v", s.id(), tg.name, err)
	assert.ErrorIs(t, err, s.wantErr, "%s on %s", s.id(), tg.name)
	var apiErr *sso.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, s.wantStatus, apiErr.StatusCode)
	assert.NotEmpty(t, apiErr.RequestID)
	if s.wantErrorType != "" {
		assert.Equal(t, s.wantErrorType, apiErr.ErrorType)
	}
}

// assertNilResult checks that an error came with no result (a typed nil
// pointer inside the interface is nil too).
func assertNilResult(t *testing.T, got any) {
	t.Helper()
	switch g := got.(type) {
	case nil:
	case *stytchsso.SAMLConnection:
		assert.Nil(t, g, "a call never returns a result with an error")
	case *stytchsso.ExternalConnection:
		assert.Nil(t, g, "a call never returns a result with an error")
	default:
		t.Errorf("unexpected result type %T", got)
	}
}

func TestScenarioTableIsComplete(t *testing.T) {
	t.Parallel()
	want := []string{"bad_request", "empty_body", "forbidden", "full_update", "member_session_jwt", "member_session_token",
		"not_found", "organization_slug", "rate_limited", "server_error", "unauthorized", "zero_values"}
	byOp := map[string][]string{}
	statuses := map[string]map[int]bool{}
	for _, s := range scenarios() {
		byOp[s.op] = append(byOp[s.op], s.name)
		if statuses[s.op] == nil {
			statuses[s.op] = map[int]bool{}
		}
		statuses[s.op][s.wantStatus] = true
	}
	for _, op := range []string{"saml", "external"} {
		sort.Strings(byOp[op])
		assert.Equal(t, want, byOp[op], op)
		for _, code := range []int{200, 400, 401, 403, 404, 429, 500} {
			assert.True(t, statuses[op][code], "%s has no scenario for %d", op, code)
		}
	}
}

func cassettePath(dir string, s scenario) string {
	return filepath.Join(dir, "cassettes", s.op, s.name)
}
