package provider

import (
	"bytes"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/gen/stytchsso"
)

// DefaultBaseURL is the base of acs_url and audience_uri when
// [Config.BaseURL] is empty: Stytch's test environment, as real connections
// in a test project show it.
const DefaultBaseURL = "https://test.stytch.com"

// MaxRequestBodyBytes caps the request bodies the provider reads; a larger body
// gets 400 bad_request.
const MaxRequestBodyBytes = 1 << 20

// Config sets up a [Provider]. ProjectID and Secret are required.
type Config struct {
	// ProjectID is the Basic-auth user name the provider accepts.
	ProjectID string
	// Secret is the Basic-auth password the provider accepts. It is never
	// printed, logged or echoed.
	Secret string
	// Sessions lists the member session tokens and JWTs the provider knows,
	// with whether each may update SSO connections (true) or gets 403
	// session_authorization_error (false). A token or JWT not listed gets 403
	// invalid_session_token. The map is copied.
	Sessions map[string]bool
	// RateLimit is the number of requests per second allowed after the
	// burst; 0 turns rate limiting off.
	RateLimit float64
	// Burst is how many requests may come at once before RateLimit applies;
	// 0 means max(1, ceil(RateLimit)).
	Burst int
	// Clock returns the current time; nil means time.Now. Tests set it to get
	// fixed timestamps and a deterministic rate limiter.
	Clock func() time.Time
	// BaseURL is the base of the acs_url and audience_uri of the seeded SAML
	// connection (such as the URL the provider listens on); empty means
	// [DefaultBaseURL].
	BaseURL string
}

// Seed holds the IDs of what [New] creates, so tests and the serve command
// can address it.
type Seed struct {
	// OrganizationID is the seeded organization (organization-test-<uuid>).
	OrganizationID string
	// OrganizationSlug is its slug; it works in place of the ID in paths.
	OrganizationSlug string
	// OrganizationExternalID is its external ID; it works in place of the ID
	// in paths too.
	OrganizationExternalID string
	// SAMLConnectionID is the seeded SAML connection (saml-connection-test-<uuid>).
	SAMLConnectionID string
	// ExternalConnectionID is the seeded External connection
	// (external-connection-test-<uuid>).
	ExternalConnectionID string
}

// Provider is the in-memory stand-in for Stytch: an [http.Handler] safe for
// concurrent use. Create it with [New].
type Provider struct {
	projectID string
	secret    string
	clock     func() time.Time
	baseURL   string
	limiter   *rate.Limiter // nil when off

	samlSchema     *openapi3.Schema
	externalSchema *openapi3.Schema
	// samlStatuses and externalStatuses are the statuses each operation
	// declares: what a Prefer: code=N request may ask for.
	samlStatuses     []int
	externalStatuses []int

	seed Seed

	mu           sync.Mutex
	sessions     map[string]bool
	orgs         []*organization
	failNext     int
	throttleNext int
	journal      []Update

	keyOnce sync.Once
	key     *rsa.PrivateKey
	keyID   string
	keyErr  error
}

// Update is one accepted update, as [Provider.Updates] lists them.
type Update struct {
	// RequestID is the request_id the provider answered with.
	RequestID string
	// OperationID is UpdateSAMLConnection or UpdateExternalConnection.
	OperationID string
	// OrganizationID is the organization's ID (whatever the path used).
	OrganizationID string
	// ConnectionID is the connection updated.
	ConnectionID string
}

// MaxJournal is how many accepted updates [Provider.Updates] remembers; older
// ones are forgotten, so a long-running provider's memory stays bounded.
const MaxJournal = 10000

type organization struct {
	id, slug, externalID string
	saml                 map[string]*stytchsso.SAMLConnection
	external             map[string]*stytchsso.ExternalConnection
}

// New checks cfg, loads the request schemas from the embedded spec and seeds
// one organization holding one SAML and one External connection.
func New(cfg Config) (*Provider, error) {
	if cfg.ProjectID == "" {
		return nil, errors.New("provider: Config.ProjectID is empty")
	}
	if cfg.Secret == "" {
		return nil, errors.New("provider: Config.Secret is empty")
	}
	if cfg.RateLimit < 0 || math.IsNaN(cfg.RateLimit) || math.IsInf(cfg.RateLimit, 0) {
		return nil, fmt.Errorf("provider: Config.RateLimit is %v; want a finite number >= 0", cfg.RateLimit)
	}
	if cfg.Burst < 0 {
		return nil, fmt.Errorf("provider: Config.Burst is %d; want >= 0", cfg.Burst)
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("provider: Config.BaseURL must be an absolute http or https URL")
	}
	doc, err := api.Document()
	if err != nil {
		return nil, fmt.Errorf("provider: load spec: %w", err)
	}
	samlSchema, samlStatuses, err := operationOf(doc, names.SAMLConnectionPath)
	if err != nil {
		return nil, err
	}
	externalSchema, externalStatuses, err := operationOf(doc, names.ExternalConnectionPath)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		projectID:        cfg.ProjectID,
		secret:           cfg.Secret,
		clock:            cfg.Clock,
		baseURL:          base,
		samlSchema:       samlSchema,
		externalSchema:   externalSchema,
		samlStatuses:     samlStatuses,
		externalStatuses: externalStatuses,
		sessions:         make(map[string]bool, len(cfg.Sessions)),
	}
	if p.clock == nil {
		p.clock = time.Now
	}
	for k, v := range cfg.Sessions {
		p.sessions[k] = v
	}
	if cfg.RateLimit > 0 {
		burst := cfg.Burst
		if burst == 0 {
			burst = max(1, int(math.Ceil(cfg.RateLimit)))
		}
		p.limiter = rate.NewLimiter(rate.Limit(cfg.RateLimit), burst)
	}
	if err := p.seedState(); err != nil {
		return nil, err
	}
	return p, nil
}

// operationOf returns the request schema of PUT path and the statuses it
// declares.
func operationOf(doc *openapi3.T, path string) (*openapi3.Schema, []int, error) {
	item := doc.Paths.Find(path)
	if item == nil || item.Put == nil || item.Put.RequestBody == nil || item.Put.RequestBody.Value == nil {
		return nil, nil, fmt.Errorf("provider: spec has no PUT request body for %s", path)
	}
	mt := item.Put.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, nil, fmt.Errorf("provider: spec has no application/json schema for PUT %s", path)
	}
	return mt.Schema.Value, declaredStatuses(item.Put), nil
}

func (p *Provider) now() time.Time {
	return p.clock().UTC().Truncate(time.Second)
}

func (p *Provider) seedState() error {
	now := p.now()
	orgID := "organization-test-" + uuid.NewString()
	short := strings.SplitN(uuid.NewString(), "-", 2)[0]
	samlID := "saml-connection-test-" + uuid.NewString()
	extID := "external-connection-test-" + uuid.NewString()
	signing, err := seedSigningCertificate(now)
	if err != nil {
		return err
	}
	saml := &stytchsso.SAMLConnection{
		OrganizationID:                        orgID,
		ConnectionID:                          samlID,
		Status:                                "pending",
		DisplayName:                           "Local test SAML connection",
		ACSURL:                                p.baseURL + "/v1/b2b/sso/callback/" + samlID,
		AudienceURI:                           p.baseURL + "/v1/b2b/sso/callback/" + samlID,
		SigningCertificates:                   []stytchsso.X509Certificate{signing},
		VerificationCertificates:              []stytchsso.X509Certificate{},
		EncryptionPrivateKeys:                 []stytchsso.EncryptionPrivateKey{},
		SAMLConnectionImplicitRoleAssignments: []stytchsso.SAMLConnectionImplicitRoleAssignment{},
		SAMLGroupImplicitRoleAssignments:      []stytchsso.SAMLGroupImplicitRoleAssignment{},
		IdentityProvider:                      "generic",
		NameIDFormat:                          "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
	}
	ext := &stytchsso.ExternalConnection{
		OrganizationID:         orgID,
		ConnectionID:           extID,
		ExternalOrganizationID: "organization-test-" + uuid.NewString(),
		ExternalConnectionID:   "saml-connection-test-" + uuid.NewString(),
		DisplayName:            "Local test External connection",
		Status:                 "active",
		ExternalConnectionImplicitRoleAssignments: []stytchsso.ConnectionImplicitRoleAssignment{},
		ExternalGroupImplicitRoleAssignments:      []stytchsso.GroupImplicitRoleAssignment{},
	}
	org := &organization{
		id:         orgID,
		slug:       "local-test-org-" + short,
		externalID: "external-org-test-" + short,
		saml:       map[string]*stytchsso.SAMLConnection{samlID: saml},
		external:   map[string]*stytchsso.ExternalConnection{extID: ext},
	}
	p.orgs = []*organization{org}
	p.seed = Seed{
		OrganizationID:         orgID,
		OrganizationSlug:       org.slug,
		OrganizationExternalID: org.externalID,
		SAMLConnectionID:       samlID,
		ExternalConnectionID:   extID,
	}
	return nil
}

// Seeded returns the IDs of the organization and connections [New] created.
func (p *Provider) Seeded() Seed {
	return p.seed
}

// SAMLConnection returns a deep copy of a SAML connection's current state,
// with the organization given by ID, slug or external ID; false when either
// is unknown.
func (p *Provider) SAMLConnection(organization, connectionID string) (stytchsso.SAMLConnection, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, c, e := findConn(p, organization, connectionID, samlConns, errSAMLNotFound)
	if e != nil {
		return stytchsso.SAMLConnection{}, false
	}
	return cloneSAML(c), true
}

// ExternalConnection returns a deep copy of an External connection's current
// state, with the organization given by ID, slug or external ID; false when
// either is unknown.
func (p *Provider) ExternalConnection(organization, connectionID string) (stytchsso.ExternalConnection, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, c, e := findConn(p, organization, connectionID, externalConns, errExternalNotFound)
	if e != nil {
		return stytchsso.ExternalConnection{}, false
	}
	return cloneExternal(c), true
}

// SetSession adds or changes a member session token or JWT: allowed true lets
// it update SSO connections, false makes it get 403
// session_authorization_error.
func (p *Provider) SetSession(tokenOrJWT string, allowed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sessions[tokenOrJWT] = allowed
}

// FailNext makes the next n authenticated requests that are not rate limited
// answer 500 internal_server_error without changing anything, so that the
// error path of a client (and a recording of it) can be exercised.
func (p *Provider) FailNext(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failNext = max(0, n)
}

// ThrottleNext makes the next n authenticated requests answer 429
// too_many_requests with Retry-After: 1, as the rate limit would, without
// changing anything, so that a client's 429 path (and a recording of it) can
// be exercised without waiting for a real limit.
func (p *Provider) ThrottleNext(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttleNext = max(0, n)
}

func (p *Provider) takeThrottle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.throttleNext > 0 {
		p.throttleNext--
		return true
	}
	return false
}

// Updates returns the accepted updates (the last [MaxJournal] of them) in the
// order they were applied, so tests can check that the final state is what
// that sequence makes: no lost update.
func (p *Provider) Updates() []Update {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Update(nil), p.journal...)
}

// record notes an accepted update. Callers hold p.mu.
func (p *Provider) record(u Update) {
	if len(p.journal) == MaxJournal {
		copy(p.journal, p.journal[1:])
		p.journal = p.journal[:MaxJournal-1]
	}
	p.journal = append(p.journal, u)
}

// findOrg matches by ID, slug or external ID. Callers hold p.mu.
func (p *Provider) findOrg(key string) *organization {
	for _, o := range p.orgs {
		if key == o.id || key == o.slug || key == o.externalID {
			return o
		}
	}
	return nil
}

type connKind int

const (
	kindSAML connKind = iota
	kindExternal
)

// findConn finds, with p.mu held, connection connID among the connections
// conns picks of the organization orgKey names (by ID, slug or external ID).
// The error says which of the two does not exist: errOrgNotFound, or
// notFound's.
func findConn[C any](p *Provider, orgKey, connID string, conns func(*organization) map[string]*C, notFound func() *apiError) (*organization, *C, *apiError) {
	org := p.findOrg(orgKey)
	if org == nil {
		return nil, nil, errOrgNotFound()
	}
	c, ok := conns(org)[connID]
	if !ok {
		return org, nil, notFound()
	}
	return org, c, nil
}

// samlConns picks an organization's SAML connections for findConn.
func samlConns(o *organization) map[string]*stytchsso.SAMLConnection { return o.saml }

// externalConns picks an organization's External connections for findConn.
func externalConns(o *organization) map[string]*stytchsso.ExternalConnection { return o.external }

// route matches the two paths; ok is false for any other path.
func route(u *url.URL) (kind connKind, org, conn string, ok bool) {
	parts := strings.Split(u.EscapedPath(), "/")
	// "", v1, b2b, sso, saml|external, {org}, connections, {conn}
	if len(parts) != 8 || parts[0] != "" || parts[1] != "v1" || parts[2] != "b2b" || parts[3] != "sso" || parts[6] != "connections" {
		return 0, "", "", false
	}
	switch parts[4] {
	case "saml":
		kind = kindSAML
	case "external":
		kind = kindExternal
	default:
		return 0, "", "", false
	}
	org, err1 := url.PathUnescape(parts[5])
	conn, err2 := url.PathUnescape(parts[7])
	if err1 != nil || err2 != nil || org == "" || conn == "" {
		return 0, "", "", false
	}
	return kind, org, conn, true
}

// ServeHTTP answers one request as Stytch would; see the package
// documentation for the checks and their order.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := "request-id-test-" + uuid.NewString()
	if project, ok := jwksProject(r.URL); ok {
		p.serveJWKS(w, r, reqID, project)
		return
	}
	kind, orgKey, connID, ok := route(r.URL)
	if !ok {
		p.writeError(w, reqID, errRouteNotFound())
		return
	}
	if r.Method != http.MethodPut {
		w.Header().Set("Allow", http.MethodPut)
		p.writeError(w, reqID, errMethodNotAllowed())
		return
	}
	if !p.authorized(r) {
		p.writeError(w, reqID, errUnauthorized())
		return
	}
	if p.answerPreference(w, r, reqID, kind, orgKey, connID) {
		return
	}
	if p.takeThrottle() {
		w.Header().Set("Retry-After", "1")
		p.writeError(w, reqID, errTooManyRequests())
		return
	}
	if retry, limited := p.rateLimited(); limited {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		p.writeError(w, reqID, errTooManyRequests())
		return
	}
	if p.takeFault() {
		p.writeError(w, reqID, errInternal())
		return
	}
	if e := p.checkSessions(r); e != nil {
		p.writeError(w, reqID, e)
		return
	}
	body, e := readBody(w, r)
	if e != nil {
		p.writeError(w, reqID, e)
		return
	}
	p.update(w, reqID, kind, orgKey, connID, body)
}

// update applies body to the connection of kind and answers.
func (p *Provider) update(w http.ResponseWriter, reqID string, kind connKind, orgKey, connID string, body []byte) {
	switch kind {
	case kindSAML:
		p.updateSAML(w, reqID, orgKey, connID, body)
	default:
		p.updateExternal(w, reqID, orgKey, connID, body)
	}
}

func (p *Provider) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	// Compare both in constant time; evaluate both so the timing does not
	// tell which was wrong.
	u := subtle.ConstantTimeCompare([]byte(user), []byte(p.projectID))
	s := subtle.ConstantTimeCompare([]byte(pass), []byte(p.secret))
	return u&s == 1
}

// rateLimited takes a token; when none is left it reports the whole seconds
// to wait.
func (p *Provider) rateLimited() (retryAfter int, limited bool) {
	if p.limiter == nil {
		return 0, false
	}
	now := p.clock()
	res := p.limiter.ReserveN(now, 1)
	if !res.OK() {
		return 1, true
	}
	delay := res.DelayFrom(now)
	if delay <= 0 {
		return 0, false
	}
	res.CancelAt(now)
	return max(1, int(math.Ceil(delay.Seconds()))), true
}

func (p *Provider) takeFault() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failNext > 0 {
		p.failNext--
		return true
	}
	return false
}

func (p *Provider) checkSessions(r *http.Request) *apiError {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, h := range []string{names.HeaderMemberSession, names.HeaderMemberSessionJWT} {
		v := r.Header.Get(h)
		if v == "" {
			continue
		}
		allowed, known := p.sessions[v]
		switch {
		case !known:
			return errUnknownSession()
		case !allowed:
			return errSessionNotAllowed()
		}
	}
	return nil
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, badRequest("bad_request", fmt.Sprintf("The request body is larger than %d bytes.", MaxRequestBodyBytes), "")
		}
		return nil, badRequest("bad_request", "The request body could not be read.", "")
	}
	return body, nil
}

// decodeBody checks body against schema and decodes it into dst. An empty
// body is an empty update.
func decodeBody(body []byte, schema *openapi3.Schema, dst any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if jsonDepth(body, MaxJSONDepth) > MaxJSONDepth {
		return badRequest("bad_request", fmt.Sprintf("The request body is nested deeper than %d levels.", MaxJSONDepth), "")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&v); err != nil {
		return badRequest("bad_request", "The request body is not valid JSON.", "")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("bad_request", "The request body has data after the JSON value.", "")
	}
	if err := schema.VisitJSON(v, openapi3.VisitAsRequest()); err != nil {
		field, why := describeSchemaError(err)
		if field == "" {
			return badRequest("bad_request", fmt.Sprintf("The request body %s.", why), "")
		}
		return badRequest("bad_request", fmt.Sprintf("The field %s %s.", field, why), field)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		// The schema accepted it, so this should not happen; say so without
		// quoting the body.
		return badRequest("bad_request", "The request body does not match the expected shape.", "")
	}
	return nil
}

// describeSchemaError names the field and the reason without the value:
// request bodies carry private keys.
func describeSchemaError(err error) (field, why string) {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return "", "is invalid"
	}
	field = strings.Join(se.JSONPointer(), ".")
	switch se.SchemaField {
	case "type":
		why = "must be of type " + strings.Join(se.Schema.Type.Slice(), " or ")
	case "enum":
		why = "must be one of the allowed values"
	case "required":
		why = "is missing a required property"
		if field == "" {
			why = "is missing a required property"
		}
	case "nullable":
		why = "must not be null"
	default:
		why = "does not satisfy " + se.SchemaField
	}
	if field == "" && se.SchemaField == "type" {
		why = "must be a JSON object"
	}
	return field, why
}

func (p *Provider) updateSAML(w http.ResponseWriter, reqID, orgKey, connID string, body []byte) {
	var req stytchsso.UpdateSAMLConnectionRequest
	if e := decodeBody(body, p.samlSchema, &req); e != nil {
		p.writeError(w, reqID, e)
		return
	}
	now := p.now()
	prep, e := prepareSAML(&req, now)
	if e != nil {
		p.writeError(w, reqID, e)
		return
	}
	p.mu.Lock()
	org, cur, e := findConn(p, orgKey, connID, samlConns, errSAMLNotFound)
	if e != nil {
		p.mu.Unlock()
		p.writeError(w, reqID, e)
		return
	}
	next := cloneSAML(cur)
	if e := applySAML(&next, &req, prep); e != nil {
		p.mu.Unlock()
		p.writeError(w, reqID, e)
		return
	}
	*cur = next
	p.record(Update{RequestID: reqID, OperationID: names.OperationUpdateSAMLConnection, OrganizationID: org.id, ConnectionID: connID})
	out, err := json.Marshal(stytchsso.UpdateSAMLConnectionResponseBody{
		RequestID:  reqID,
		StatusCode: http.StatusOK,
		Connection: next,
	})
	p.mu.Unlock()
	p.writeBody(w, http.StatusOK, out, err, reqID)
}

func (p *Provider) updateExternal(w http.ResponseWriter, reqID, orgKey, connID string, body []byte) {
	var req stytchsso.UpdateExternalConnectionRequest
	if e := decodeBody(body, p.externalSchema, &req); e != nil {
		p.writeError(w, reqID, e)
		return
	}
	if e := checkExternal(&req); e != nil {
		p.writeError(w, reqID, e)
		return
	}
	p.mu.Lock()
	org, cur, e := findConn(p, orgKey, connID, externalConns, errExternalNotFound)
	if e != nil {
		p.mu.Unlock()
		p.writeError(w, reqID, e)
		return
	}
	next := cloneExternal(cur)
	applyExternal(&next, &req)
	*cur = next
	p.record(Update{RequestID: reqID, OperationID: names.OperationUpdateExternalConnection, OrganizationID: org.id, ConnectionID: connID})
	out, err := json.Marshal(stytchsso.UpdateExternalConnectionResponseBody{
		RequestID:  reqID,
		StatusCode: http.StatusOK,
		Connection: next,
	})
	p.mu.Unlock()
	p.writeBody(w, http.StatusOK, out, err, reqID)
}

func (p *Provider) writeBody(w http.ResponseWriter, status int, body []byte, err error, reqID string) {
	if err != nil {
		p.writeError(w, reqID, errInternal())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (p *Provider) writeError(w http.ResponseWriter, reqID string, e *apiError) {
	resp := stytchsso.ErrorResponse{
		StatusCode:   int32(e.status),
		RequestID:    reqID,
		ErrorType:    e.typ,
		ErrorMessage: e.msg,
		ErrorURL:     fmt.Sprintf("https://stytch.com/docs/api/errors/%d", e.status),
	}
	if e.field != "" {
		d := map[string]any{"field": e.field}
		resp.ErrorDetails = &d
	}
	body, err := json.Marshal(resp)
	if err != nil {
		// Marshalling a struct of strings cannot fail.
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}
