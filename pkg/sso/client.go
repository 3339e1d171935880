package sso

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/modversion"
	"github.com/stytchsso/stytchsso/internal/scrub"
)

// Version returns the version of this module that the running program was
// built with, as the go command recorded it in the build information:
// "v0.2.0" when the program requires that release, a pseudo-version at a
// commit, "devel" inside this repository's own tests. Every User-Agent
// header starts with "stytchsso-go/" and this version, and `ssocontract
// version` reports the same one.
func Version() string { return modversion.Current() }

// Environment is the base URL of one of Stytch's API environments.
type Environment string

// The two Stytch environments. [New] picks [EnvironmentLive] for project IDs
// starting with "project-live-" and [EnvironmentTest] otherwise.
const (
	EnvironmentTest Environment = "https://test.stytch.com"
	EnvironmentLive Environment = "https://api.stytch.com"
)

// Defaults used when no option says otherwise.
const (
	// DefaultMaxResponseBytes bounds how much of a response body the client reads.
	DefaultMaxResponseBytes int64 = 10 << 20
	// DefaultAttemptTimeout bounds one attempt, reading the body included,
	// when the client builds its own http.Client ([WithAttemptTimeout]
	// changes it); a caller's client from [WithHTTPClient] keeps its own
	// Timeout. A call whose context has a sooner deadline runs under that
	// deadline alone.
	DefaultAttemptTimeout = 30 * time.Second
)

// Client calls the Stytch B2B SSO connection update endpoints. It is safe for
// concurrent use by many goroutines; build one per project and share it.
type Client struct {
	gen        *stytchsso.Client
	baseURL    string
	authHeader string
	userAgent  string
	logger     *slog.Logger
	maxBody    int64
	base       http.RoundTripper
	waitHook   func(time.Duration) time.Duration
	check      func(context.Context, *Exchange) error
	// baseHonoursContext is true when the transport is net/http's with no
	// middleware, which ends a body read when the request's context ends.
	baseHonoursContext bool
	// secrets scrubs the project secret and the Basic credential, and their
	// encodings, from what a server sends back. It is built on the first
	// failed call: a successful call never scrubs anything.
	secrets func() *scrub.Scrubber
}

// config collects what the options set; New validates it as a whole.
type config struct {
	baseURL     *url.URL
	env         Environment
	httpClient  *http.Client
	userAgents  []string
	retry       *RetryPolicy
	noRetries   bool
	logger      *slog.Logger
	maxBody     int64
	middlewares []func(http.RoundTripper) http.RoundTripper
	waitHook    func(time.Duration) time.Duration
	// attemptTimeout replaces DefaultAttemptTimeout (WithAttemptTimeout).
	attemptTimeout time.Duration
	// check inspects every call's final exchange (WithExchangeCheck).
	check func(context.Context, *Exchange) error
}

// Option configures a [Client] built by [New]. Options validate their own
// input; New rejects combinations that conflict, so their order never matters.
type Option func(*config) error

// once refuses a single-valued option given a second time (already says
// whether its field is set): with two values the result would depend on the
// order.
func once(already bool, name string) error {
	if already {
		return fmt.Errorf("%s given more than once", name)
	}
	return nil
}

// WithBaseURL sends requests to baseURL instead of a Stytch environment, for
// a local provider or a test server. It wins over [WithEnvironment] and the
// environment implied by the project ID. Plain http is accepted only for
// loopback hosts (127.0.0.0/8, ::1, localhost): credentials never travel in
// clear text over a network.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		if err := once(c.baseURL != nil, "WithBaseURL"); err != nil {
			return err
		}
		u, err := parseBaseURL(baseURL)
		if err != nil {
			return fmt.Errorf("WithBaseURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithEnvironment chooses the Stytch environment instead of deriving it from
// the project ID. It must agree with a project ID that names its environment
// ("project-test-..." or "project-live-...").
func WithEnvironment(env Environment) Option {
	return func(c *config) error {
		if err := once(c.env != "", "WithEnvironment"); err != nil {
			return err
		}
		if env != EnvironmentTest && env != EnvironmentLive {
			return fmt.Errorf("WithEnvironment: unknown environment %q (want sso.EnvironmentTest or sso.EnvironmentLive)", string(env))
		}
		c.env = env
		return nil
	}
}

// WithHTTPClient sends requests through hc's transport and per-attempt
// Timeout. The client keeps its own copy: hc is not modified, and redirects
// are never followed whatever hc.CheckRedirect says, so credentials are never
// resent to another URL.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if err := once(c.httpClient != nil, "WithHTTPClient"); err != nil {
			return err
		}
		if hc == nil {
			return errors.New("WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent appends product to the User-Agent header, after
// "stytchsso-go/<[Version]>". Given several times, the parts are appended in
// the order given.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		// A local copy: an Option may be shared and applied concurrently.
		p := strings.TrimSpace(product)
		if p == "" {
			return errors.New("WithUserAgent: empty user agent")
		}
		if strings.IndexFunc(p, unicode.IsControl) >= 0 {
			return fmt.Errorf("WithUserAgent: %q contains a control character", p)
		}
		c.userAgents = append(c.userAgents, p)
		return nil
	}
}

// WithLogger logs each call and each attempt at debug level: operation,
// method, path, attempt, status, request_id and duration. Credentials,
// session headers and bodies are never logged.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if err := once(c.logger != nil, "WithLogger"); err != nil {
			return err
		}
		if logger == nil {
			return errors.New("WithLogger: nil *slog.Logger")
		}
		c.logger = logger
		return nil
	}
}

// WithMaxResponseBytes bounds how much of a response body is read (default
// [DefaultMaxResponseBytes]). A larger body fails the call with an error
// matching [ErrResponseTooLarge].
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if err := once(c.maxBody != 0, "WithMaxResponseBytes"); err != nil {
			return err
		}
		if n <= 0 {
			return fmt.Errorf("WithMaxResponseBytes: limit must be positive, got %d", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithAttemptTimeout bounds each attempt, reading the response body
// included, by d instead of [DefaultAttemptTimeout]. An attempt it cuts
// off, before the headers or while the body stalls after them, is retried
// like any timed-out attempt while the call's context has time. A call
// whose context has a sooner deadline still runs under that deadline
// alone. It conflicts with [WithHTTPClient], whose client keeps its own
// Timeout (a body stalling past it is not retried).
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if err := once(c.attemptTimeout != 0, "WithAttemptTimeout"); err != nil {
			return err
		}
		if d <= 0 {
			return fmt.Errorf("WithAttemptTimeout: timeout must be positive, got %s", d)
		}
		c.attemptTimeout = d
		return nil
	}
}

// WithTransportMiddleware wraps the base transport (the one of
// [WithHTTPClient], or the client's own) with mw. The wrapped transport sits
// inside the retry layer, so it sees every attempt (a recorder, a tracer).
// To check responses against the spec use [WithExchangeCheck] (package
// pkg/ssocheck), which sees the response the caller gets. Given several
// times, the first given is closest to the network.
func WithTransportMiddleware(mw func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *config) error {
		if mw == nil {
			return errors.New("WithTransportMiddleware: nil middleware")
		}
		c.middlewares = append(c.middlewares, mw)
		return nil
	}
}

// New returns a client for the project. It does no network I/O. The base
// URL is, in order of precedence: [WithBaseURL], [WithEnvironment], or the
// environment the project ID names ("project-live-" means live, anything
// else test).
func New(projectID, secret string, opts ...Option) (*Client, error) {
	if err := checkCredentials(projectID, secret); err != nil {
		return nil, fmt.Errorf("sso.New: %w", err)
	}
	cfg := &config{}
	for i, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("sso.New: option %d is nil", i)
		}
		if err := opt(cfg); err != nil {
			return nil, fmt.Errorf("sso.New: %w", err)
		}
	}
	if err := cfg.validate(projectID); err != nil {
		return nil, fmt.Errorf("sso.New: %w", err)
	}
	return newClient(projectID, secret, cfg)
}

func checkCredentials(projectID, secret string) error {
	switch {
	case projectID == "":
		return errors.New("empty project ID")
	case strings.ContainsRune(projectID, ':'):
		return fmt.Errorf("project ID %q contains ':', which HTTP Basic auth cannot carry", projectID)
	case strings.IndexFunc(projectID, notPrintableASCII) >= 0:
		return fmt.Errorf("project ID %q contains a space or a non-printable character", projectID)
	case secret == "":
		return errors.New("empty secret")
	case strings.IndexFunc(secret, unicode.IsControl) >= 0:
		// The secret is never quoted, not even in part.
		return errors.New("secret contains a control character")
	}
	return nil
}

func notPrintableASCII(r rune) bool { return r <= ' ' || r >= 0x7f }

// validate is the single step that checks the options against each other and
// against the project ID.
func (c *config) validate(projectID string) error {
	if c.noRetries && c.retry != nil {
		return errors.New("WithRetry and WithoutRetries conflict: give one")
	}
	if c.attemptTimeout != 0 && c.httpClient != nil {
		return errors.New("WithAttemptTimeout and WithHTTPClient conflict: set Timeout on the http.Client instead")
	}
	if c.env != "" {
		if strings.HasPrefix(projectID, "project-live-") && c.env != EnvironmentLive {
			return fmt.Errorf("project ID %q is a live project but WithEnvironment chose %s", projectID, c.env)
		}
		if strings.HasPrefix(projectID, "project-test-") && c.env != EnvironmentTest {
			return fmt.Errorf("project ID %q is a test project but WithEnvironment chose %s", projectID, c.env)
		}
	}
	return nil
}

func newClient(projectID, secret string, cfg *config) (*Client, error) {
	baseURL := string(environmentFor(projectID))
	if cfg.env != "" {
		baseURL = string(cfg.env)
	}
	if cfg.baseURL != nil {
		baseURL = cfg.baseURL.String()
	}

	var inner http.Client
	base := http.RoundTripper(nil)
	if cfg.httpClient != nil {
		inner = *cfg.httpClient
		base = inner.Transport
		if base == nil {
			base = http.DefaultTransport
		}
	} else if t, ok := http.DefaultTransport.(*http.Transport); ok {
		t = t.Clone()
		// A server answering with endless 1xx responses is cut off after
		// this much of them, not after net/http's default of 10 MB.
		t.MaxResponseHeaderBytes = maxResponseHeaderBytes
		base = t
	} else {
		// Another transport is installed (httpmock.Activate, an APM
		// wrapper): use it as it is, it cannot be cloned.
		base = http.DefaultTransport
	}
	// Closest to the network, below any middleware: nothing above ever
	// reads the body of a 1xx answer (a 101's body is the raw connection).
	rt := http.RoundTripper(noInformationalBody{next: base})
	// net/http's Transport ends a body read when the request's context
	// ends; a body from any other transport or middleware may not, and is
	// closed when the context ends instead.
	honoursContext := isHTTPTransport(base) && len(cfg.middlewares) == 0
	for i, mw := range cfg.middlewares {
		rt = mw(rt)
		if rt == nil {
			return nil, fmt.Errorf("sso.New: transport middleware %d returned a nil RoundTripper", i)
		}
	}
	if cfg.httpClient == nil {
		d := cfg.attemptTimeout
		if d == 0 {
			d = DefaultAttemptTimeout
		}
		maxBody := cfg.maxBody
		if maxBody == 0 {
			maxBody = DefaultMaxResponseBytes
		}
		rt = attemptTimeout{next: rt, d: d, maxBody: maxBody, closeBody: !honoursContext}
	}
	inner.Transport = rt
	inner.Jar = nil
	inner.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	c := &Client{
		baseURL:            baseURL,
		authHeader:         "Basic " + base64.StdEncoding.EncodeToString([]byte(projectID+":"+secret)),
		userAgent:          strings.Join(append([]string{"stytchsso-go/" + Version()}, cfg.userAgents...), " "),
		logger:             cfg.logger,
		maxBody:            cfg.maxBody,
		base:               base,
		waitHook:           cfg.waitHook,
		check:              cfg.check,
		baseHonoursContext: honoursContext,
		secrets: sync.OnceValue(func() *scrub.Scrubber {
			return scrub.New(secret, scrub.BasicCredential(projectID, secret))
		}),
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	var policy RetryPolicy
	if cfg.retry != nil {
		policy = *cfg.retry
	}
	policy = policy.withDefaults()
	if cfg.noRetries {
		policy.MaxAttempts = 1
	}
	var doer stytchsso.HttpRequestDoer = &retryDoer{rc: c.newRetryClient(&inner, policy)}
	if policy.MaxAttempts == 1 {
		// No retries: no retry layer either, but the same attempt count.
		doer = singleDoer{hc: &inner}
	}
	gen, err := stytchsso.NewClient(baseURL, stytchsso.WithHTTPClient(doer))
	if err != nil {
		return nil, fmt.Errorf("sso.New: %w", err)
	}
	c.gen = gen
	return c, nil
}

// maxResponseHeaderBytes bounds the headers of a response, the 1xx
// responses before it included, on the transport the client builds: Stytch
// sends a few hundred bytes.
const maxResponseHeaderBytes = 1 << 20

// isHTTPTransport reports whether rt is net/http's own Transport.
func isHTTPTransport(rt http.RoundTripper) bool {
	_, ok := rt.(*http.Transport)
	return ok
}

// environmentFor is the environment a project ID names.
func environmentFor(projectID string) Environment {
	if strings.HasPrefix(projectID, "project-live-") {
		return EnvironmentLive
	}
	return EnvironmentTest
}

// parseBaseURL accepts an absolute http(s) URL without credentials, query or
// fragment, and plain http only for loopback hosts.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("empty base URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base URL %q: scheme must be https (or http for loopback hosts)", u.Redacted())
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("base URL %q has no host", u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("base URL %q must not carry credentials: the client sends the project's own", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("base URL %q must not have a query or fragment", u.Redacted())
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("base URL %q: plain http is refused for non-loopback host %q, credentials would travel unencrypted; use https", u.Redacted(), u.Hostname())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL is the URL requests are sent to, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// CloseIdleConnections closes the idle keep-alive connections of the base
// transport, when it has any. Call it when done with a client whose
// transport is not shared.
func (c *Client) CloseIdleConnections() {
	if ci, ok := c.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}
