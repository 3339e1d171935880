package contracttests

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/testutil"
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
	// local is set for the in-process provider, whose state tests can read.
	local *provider.Provider
	// honoursPrefer is set for a target that answers the status a request
	// asks for with Prefer: code=N (the local provider, ssocontract serve):
	// the only way to reach 429 and 500 on demand. Stytch ignores Prefer.
	honoursPrefer bool
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
		signingKey:       testutil.RSAPKCS1PEM(t, 2048),
		encryptionKey:    testutil.RSAPKCS1PEM(t, 2048),
		badCertificate:   "this is not a PEM certificate",
		unknownConnID:    "saml-connection-test-00000000-0000-4000-8000-000000000404",
		unknownExtConnID: "external-connection-test-00000000-0000-4000-8000-000000000404",
	}
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
// come of it. Scenarios are behaviours crossed with endpoints: see
// endpoint.scenarios and scenarios below.
type scenario struct {
	// name is also the recording's file name, under testdata/cassettes/<op>/.
	name string
	// op is the endpoint's name: "saml" or "external".
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
	// prefer, when set, asks the target for this status with the request
	// header Prefer: code=N (Prism's convention, which the local provider
	// honours); such a scenario needs a target that honours it.
	prefer int
	// call makes the request; a nil result means the call returned none.
	call func(ctx context.Context, c *sso.Client, tg *target, fx *fixtures) (*result, error)
}

// result is what a successful call returned, with the checks its scenario
// makes on the typed connection.
type result struct {
	connectionID string
	check        func(t *testing.T)
}

func (s scenario) id() string { return s.op + "/" + s.name }

// needsVar is a scenario's needs: it runs only where have(tg) holds, and
// otherwise says what to set.
func needsVar(have func(tg *target) bool, what string) func(*target) string {
	return func(tg *target) string {
		if have(tg) {
			return ""
		}
		return what
	}
}

var (
	needsPrefer  = needsVar(func(tg *target) bool { return tg.honoursPrefer }, "only a provider that honours Prefer: code=N (the local provider, ssocontract serve) answers this status on demand; Stytch does not")
	needsSession = needsVar(func(tg *target) bool { return tg.sessionToken != "" }, "set STYTCH_MEMBER_SESSION_TOKEN to a member session allowed to update SSO connections")
	needsJWT     = needsVar(func(tg *target) bool { return tg.sessionJWT != "" }, "set STYTCH_MEMBER_SESSION_JWT to a member session JWT allowed to update SSO connections")
	needsDenied  = needsVar(func(tg *target) bool { return tg.deniedSession != "" }, "set STYTCH_DENIED_MEMBER_SESSION to a member session token without permission to update SSO connections")
	needsSlug    = needsVar(func(tg *target) bool { return tg.orgSlug != "" }, "set STYTCH_ORGANIZATION_SLUG to the organization's slug")
)

// endpoint describes one update endpoint to the suite, P being its body and
// C its connection. Adding an endpoint to the suite is one more endpoint
// value in scenarios.
type endpoint[P, C any] struct {
	// name is the endpoint's name in scenario IDs and recording folders.
	name string
	// update is the client method that calls it.
	update func(c *sso.Client, ctx context.Context, org, conn string, p *P, opts ...sso.CallOption) (*C, error)
	// connID is the connection updated on tg; unknownID one that does not exist.
	connID    func(tg *target) string
	unknownID func(fx *fixtures) string
	// connectionID and displayName read a returned connection.
	connectionID, displayName func(*C) string
	// named is a body that only sets the display name.
	named func(name string) *P
	// full sets every field; checkFull checks what it did.
	full      func(fx *fixtures) *P
	checkFull func(t *testing.T, c *C, fx *fixtures)
	// zero sends false, "" and [] where it can; checkZero checks they arrived.
	zero      func() *P
	checkZero func(t *testing.T, c *C)
	// bad is a body the API refuses with 400, with badErrorType if known.
	bad          func(fx *fixtures) *P
	badErrorType string
}

// request is one call a behaviour makes: nil fields take the defaults (no
// body, the target's organization and connection, no call options).
type request[P, C any] struct {
	body  func(fx *fixtures) *P
	org   func(tg *target) string
	conn  func(tg *target, fx *fixtures) string
	opts  func(tg *target) []sso.CallOption
	check func(t *testing.T, c *C, fx *fixtures)
}

func (e endpoint[P, C]) call(r request[P, C]) func(context.Context, *sso.Client, *target, *fixtures) (*result, error) {
	return func(ctx context.Context, c *sso.Client, tg *target, fx *fixtures) (*result, error) {
		var p *P
		if r.body != nil {
			p = r.body(fx)
		}
		org, conn := tg.orgID, e.connID(tg)
		if r.org != nil {
			org = r.org(tg)
		}
		if r.conn != nil {
			conn = r.conn(tg, fx)
		}
		var opts []sso.CallOption
		if r.opts != nil {
			opts = r.opts(tg)
		}
		got, err := e.update(c, ctx, org, conn, p, opts...)
		if got == nil {
			return nil, err
		}
		return &result{connectionID: e.connectionID(got), check: func(t *testing.T) {
			t.Helper()
			assert.Equal(t, e.connID(tg), e.connectionID(got), "the connection updated")
			if r.check != nil {
				r.check(t, got, fx)
			}
		}}, err
	}
}

// renamed is the request that sets the display name to name, checked.
func (e endpoint[P, C]) renamed(name string) request[P, C] {
	return request[P, C]{body: func(*fixtures) *P { return e.named(name) },
		check: func(t *testing.T, c *C, _ *fixtures) { assert.Equal(t, name, e.displayName(c)) }}
}

// scenarios crosses every behaviour of the suite with e.
func (e endpoint[P, C]) scenarios() []scenario {
	with := func(r request[P, C], opts func(*target) []sso.CallOption, org func(*target) string) request[P, C] {
		r.opts, r.org = opts, org
		return r
	}
	checkZero := func(t *testing.T, c *C, _ *fixtures) { e.checkZero(t, c) }
	out := []scenario{
		{name: "full_update", wantStatus: 200, call: e.call(request[P, C]{body: e.full, check: e.checkFull})},
		{name: "empty_body", wantStatus: 200, call: e.call(request[P, C]{})},
		{name: "zero_values", wantStatus: 200, call: e.call(request[P, C]{body: func(*fixtures) *P { return e.zero() }, check: checkZero})},
		{name: "member_session_token", wantStatus: 200, needs: needsSession, call: e.call(with(e.renamed("Updated by a member"), sessionOpt, nil))},
		{name: "member_session_jwt", wantStatus: 200, needs: needsJWT, call: e.call(with(e.renamed("Updated with a JWT"), jwtOpt, nil))},
		{name: "organization_slug", wantStatus: 200, needs: needsSlug, call: e.call(with(e.renamed("Addressed by slug"), nil, slugOrg))},
		{name: "bad_request", wantStatus: 400, wantErr: sso.ErrBadRequest, wantErrorType: e.badErrorType, call: e.call(request[P, C]{body: e.bad})},
		{name: "unauthorized", wantStatus: 401, wantErr: sso.ErrUnauthorized, wantErrorType: "unauthorized_credentials", wrongSecret: true,
			call: e.call(request[P, C]{})},
		{name: "forbidden", wantStatus: 403, wantErr: sso.ErrForbidden, needs: needsDenied, call: e.call(with(e.renamed("Not allowed"), deniedOpt, nil))},
		{name: "not_found", wantStatus: 404, wantErr: sso.ErrNotFound,
			call: e.call(request[P, C]{body: func(*fixtures) *P { return e.named("Nobody") }, conn: func(_ *target, fx *fixtures) string { return e.unknownID(fx) }})},
		{name: "rate_limited", wantStatus: 429, wantErr: sso.ErrRateLimited, wantErrorType: "too_many_requests", needs: needsPrefer,
			prefer: 429, call: e.call(request[P, C]{})},
		{name: "server_error", wantStatus: 500, wantErr: sso.ErrServerError, wantErrorType: "internal_server_error", needs: needsPrefer,
			prefer: 500, call: e.call(request[P, C]{})},
	}
	for i := range out {
		out[i].op = e.name
	}
	return out
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

// samlEndpoint is the SAML connection update.
var samlEndpoint = endpoint[sso.SAMLConnectionUpdate, stytchsso.SAMLConnection]{
	name:         "saml",
	update:       (*sso.Client).UpdateSAMLConnection,
	connID:       func(tg *target) string { return tg.samlID },
	unknownID:    func(fx *fixtures) string { return fx.unknownConnID },
	connectionID: func(c *stytchsso.SAMLConnection) string { return c.ConnectionID },
	displayName:  func(c *stytchsso.SAMLConnection) string { return c.DisplayName },
	named: func(name string) *sso.SAMLConnectionUpdate {
		return &sso.SAMLConnectionUpdate{DisplayName: sso.Ptr(name)}
	},
	full: func(fx *fixtures) *sso.SAMLConnectionUpdate {
		idp := stytchsso.IdentityProviderOkta
		return &sso.SAMLConnectionUpdate{
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
	},
	checkFull: func(t *testing.T, c *stytchsso.SAMLConnection, fx *fixtures) {
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
	},
	zero: func() *sso.SAMLConnectionUpdate {
		return &sso.SAMLConnectionUpdate{
			IDPInitiatedAuthDisabled:              sso.Ptr(false),
			AlternativeACSURL:                     sso.Ptr(""),
			SAMLConnectionImplicitRoleAssignments: sso.EmptyList[stytchsso.SAMLConnectionImplicitRoleAssignment](),
			SAMLGroupImplicitRoleAssignments:      sso.EmptyList[stytchsso.SAMLGroupImplicitRoleAssignment](),
		}
	},
	checkZero: func(t *testing.T, c *stytchsso.SAMLConnection) {
		assert.False(t, c.IDPInitiatedAuthDisabled, "false must reach the API and switch the flag off")
		assert.Empty(t, c.AlternativeACSURL)
		assert.Empty(t, c.SAMLConnectionImplicitRoleAssignments)
		assert.Empty(t, c.SAMLGroupImplicitRoleAssignments)
	},
	bad: func(fx *fixtures) *sso.SAMLConnectionUpdate {
		return &sso.SAMLConnectionUpdate{X509Certificate: sso.Ptr(fx.badCertificate)}
	},
	badErrorType: "invalid_x509_certificate",
}

// externalEndpoint is the External connection update.
var externalEndpoint = endpoint[sso.ExternalConnectionUpdate, stytchsso.ExternalConnection]{
	name:         "external",
	update:       (*sso.Client).UpdateExternalConnection,
	connID:       func(tg *target) string { return tg.externalID },
	unknownID:    func(fx *fixtures) string { return fx.unknownExtConnID },
	connectionID: func(c *stytchsso.ExternalConnection) string { return c.ConnectionID },
	displayName:  func(c *stytchsso.ExternalConnection) string { return c.DisplayName },
	named: func(name string) *sso.ExternalConnectionUpdate {
		return &sso.ExternalConnectionUpdate{DisplayName: sso.Ptr(name)}
	},
	full: func(*fixtures) *sso.ExternalConnectionUpdate {
		return &sso.ExternalConnectionUpdate{
			DisplayName: sso.Ptr("Contract suite External"),
			ExternalConnectionImplicitRoleAssignments: &[]stytchsso.ConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}},
			ExternalGroupImplicitRoleAssignments:      &[]stytchsso.GroupImplicitRoleAssignment{{RoleID: "stytch_admin", Group: "admins"}},
		}
	},
	checkFull: func(t *testing.T, c *stytchsso.ExternalConnection, _ *fixtures) {
		assert.Equal(t, "Contract suite External", c.DisplayName)
		assert.Equal(t, "active", c.Status)
		assert.Equal(t, []stytchsso.ConnectionImplicitRoleAssignment{{RoleID: "stytch_member"}}, c.ExternalConnectionImplicitRoleAssignments)
		assert.Equal(t, []stytchsso.GroupImplicitRoleAssignment{{RoleID: "stytch_admin", Group: "admins"}}, c.ExternalGroupImplicitRoleAssignments)
	},
	zero: func() *sso.ExternalConnectionUpdate {
		return &sso.ExternalConnectionUpdate{
			ExternalConnectionImplicitRoleAssignments: sso.EmptyList[stytchsso.ConnectionImplicitRoleAssignment](),
			ExternalGroupImplicitRoleAssignments:      sso.EmptyList[stytchsso.GroupImplicitRoleAssignment](),
		}
	},
	checkZero: func(t *testing.T, c *stytchsso.ExternalConnection) {
		assert.Empty(t, c.ExternalConnectionImplicitRoleAssignments, "[] must reach the API and clear the list")
		assert.Empty(t, c.ExternalGroupImplicitRoleAssignments)
	},
	bad: func(*fixtures) *sso.ExternalConnectionUpdate {
		return &sso.ExternalConnectionUpdate{
			ExternalConnectionImplicitRoleAssignments: &[]stytchsso.ConnectionImplicitRoleAssignment{{RoleID: ""}},
		}
	},
}

// scenarios is the whole suite: every behaviour on every endpoint, run in
// replay, against the local provider and live against Stytch (where it can
// be provoked there).
func scenarios() []scenario {
	var out []scenario
	for _, ep := range [][]scenario{samlEndpoint.scenarios(), externalEndpoint.scenarios()} {
		out = append(out, ep...)
	}
	return out
}

// clientFor builds the client a scenario runs with: no retries (each
// scenario is exactly one exchange), the contract-validating transport in
// enforce and strict mode just above the network (or the recorder), the
// wrong secret for the 401 scenario, and the scenario's Prefer header.
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
	opts := []sso.Option{
		sso.WithBaseURL(tg.baseURL),
		sso.WithoutRetries(),
		sso.WithHTTPClient(&http.Client{Transport: bottom}),
		validation(t, v, contract.CheckConfig{Mode: contract.Enforce}),
	}
	if s.prefer != 0 {
		opts = append(opts, preferStatus(s.prefer))
	}
	c, err := sso.New(tg.projectID, secret, opts...)
	require.NoError(t, err)
	return c
}

// preferStatus makes every request of a client ask for status code with
// Prefer: code=N. It sits above the recorder, so recordings show how the
// status was asked for; replay matching ignores the header.
func preferStatus(code int) sso.Option {
	value := "code=" + strconv.Itoa(code)
	return sso.WithTransportMiddleware(func(next http.RoundTripper) http.RoundTripper {
		return testutil.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set(provider.PreferHeader, value)
			return next.RoundTrip(r)
		})
	})
}

// runScenario runs s on tg through bottom and checks the outcome: the typed
// result or the typed error the scenario expects.
func runScenario(ctx context.Context, t *testing.T, tg *target, s scenario, fx *fixtures, bottom http.RoundTripper, v *contract.Validator) {
	t.Helper()
	c := clientFor(t, tg, s, bottom, v)
	got, err := s.call(ctx, c, tg, fx)
	if s.wantErr == nil {
		require.NoError(t, err, "%s on %s", s.id(), tg.name)
		require.NotNil(t, got, "%s on %s: a result", s.id(), tg.name)
		got.check(t)
		return
	}
	require.Error(t, err, "%s on %s: want %v", s.id(), tg.name, s.wantErr)
	assert.Nil(t, got, "%s on %s: a call never returns a result with an error", s.id(), tg.name)
	var ce *contract.ViolationError
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
