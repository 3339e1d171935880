package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/stytchsso/stytchsso/internal/atomicfile"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

// runServe runs the local provider until SIGINT or SIGTERM.
func runServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stdout, stderr)
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type serveFlags struct {
	addr, projectID, secret, certFile, baseURL, readyFile string
	tls, secretOnCommandLine                              bool
	sessions, denied                                      stringList
	rate                                                  float64
	readTimeout                                           time.Duration
}

// Server bounds of serve. The read timeout (--read-timeout) bounds reading
// one whole request, body included, so a slow client cannot hold a
// connection open by trickling its body; the header must arrive within the
// header timeout (or the read timeout, if shorter). Bodies are capped by the
// provider ([provider.MaxRequestBodyBytes]).
const (
	serveReadTimeout       = 30 * time.Second
	serveReadHeaderTimeout = 10 * time.Second
	serveWriteTimeout      = 60 * time.Second
	serveIdleTimeout       = 2 * time.Minute
	serveMaxHeaderBytes    = 64 << 10
)

// serveSteeringHelp is the part of serve --help that says how to steer the
// provider and what it serves besides the two updates.
const serveSteeringHelp = `
Asking for a status (Prism's convention): a request with the header
  Prefer: code=429
is answered at once with that status and a body valid under the spec, after
the credentials are checked and without applying the body: any status the
operation declares (200, 400, 401, 403, 404, 429, 500); 429 comes with
Retry-After: 1, 200 with the connection as it stands (changing nothing; a
missing connection is still its 404), and every such answer with
Preference-Applied: code=N. An undeclared code, or one that is not three
digits (0429, +429), is a 400 listing the declared ones. For example:
  curl -u "$STYTCH_PROJECT_ID:$STYTCH_SECRET" -X PUT -H 'Prefer: code=500' \
    "$STYTCH_BASE_URL/v1/b2b/sso/saml/$STYTCH_ORGANIZATION_ID/connections/$STYTCH_SAML_CONNECTION_ID"

Also served, WITHOUT authentication as Stytch serves it: the session JSON
Web Key Set, GET /v1/b2b/sessions/jwks/PROJECT_ID, which Stytch's Go SDK
fetches when its B2B client is constructed.

With --tls, clients must trust the certificate written to STYTCH_CA_CERT
(else "x509: certificate signed by unknown authority").

Flags:
`

func parseServeFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet("ssocontract serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&f.projectID, "project-id", "", "project ID accepted in Basic auth (required)")
	fs.StringVar(&f.secret, "secret", "", "project secret accepted in Basic auth (prefer the STYTCH_SECRET environment variable: a flag shows in ps)")
	fs.BoolVar(&f.tls, "tls", false, "serve https with a self-signed certificate for 127.0.0.1 and localhost")
	fs.StringVar(&f.certFile, "cert-file", "", "with --tls: where to write the certificate PEM (default: a temporary file)")
	fs.Var(&f.sessions, "session", "a member session token or JWT allowed to update connections (repeatable)")
	fs.Var(&f.denied, "denied-session", "a member session token or JWT known but not allowed: 403 (repeatable)")
	fs.Float64Var(&f.rate, "rate", 0, "requests per second before 429 too_many_requests (0: no limit)")
	fs.StringVar(&f.baseURL, "base-url", "", "base of acs_url and audience_uri (default: the URL served)")
	fs.StringVar(&f.readyFile, "ready-file", "", "once listening, write the STYTCH_* lines to this file (atomically; removed on exit), so a script can wait for it")
	fs.DurationVar(&f.readTimeout, "read-timeout", serveReadTimeout, "longest time to read one request, body included")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: STYTCH_SECRET=SECRET ssocontract serve --project-id ID [--addr 127.0.0.1:PORT] [--tls [--cert-file PATH]]")
		fmt.Fprintln(stderr, "           [--ready-file PATH] [--session TOKEN]... [--denied-session TOKEN]... [--rate N]")
		fmt.Fprintln(stderr, "           [--read-timeout DURATION] [--base-url URL] [--secret SECRET (shows in ps: prefer STYTCH_SECRET)]")
		fmt.Fprintln(stderr, "Runs a local, in-memory stand-in for Stytch's two SSO update endpoints (not Stytch).")
		fmt.Fprint(stderr, serveSteeringHelp)
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "Exit status: 0 stopped by SIGINT or SIGTERM, 1 could not serve (certificate, ready file,")
		fmt.Fprintln(stderr, "server error), 2 bad usage or the address cannot be listened on.")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	f.secretOnCommandLine = f.secret != ""
	if f.secret == "" {
		f.secret = os.Getenv("STYTCH_SECRET")
	}
	switch {
	case f.projectID == "":
		return nil, errors.New("--project-id is required")
	case f.secret == "":
		return nil, errors.New("--secret (or STYTCH_SECRET) is required")
	case f.rate < 0:
		return nil, fmt.Errorf("--rate must be >= 0, got %v", f.rate)
	case f.certFile != "" && !f.tls:
		return nil, errors.New("--cert-file needs --tls")
	case f.readTimeout <= 0:
		return nil, fmt.Errorf("--read-timeout must be > 0, got %v", f.readTimeout)
	}
	for flagName, path := range map[string]string{"--cert-file": f.certFile, "--ready-file": f.readyFile} {
		if path != "" {
			if err := atomicfile.CheckTarget(path); err != nil {
				return nil, fmt.Errorf("%s: %w", flagName, err)
			}
		}
	}
	if _, _, err := net.SplitHostPort(f.addr); err != nil {
		return nil, fmt.Errorf("--addr %q: want host:port: %w", f.addr, err)
	}
	return f, nil
}

// serve is the testable core of runServe: it returns when ctx is done.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseServeFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "ssocontract serve: %v\n", err)
		return 2
	}
	if f.secretOnCommandLine {
		fmt.Fprintln(stderr, "ssocontract serve: note: --secret on the command line is visible to other users (ps); prefer STYTCH_SECRET")
	}
	if f.readyFile != "" {
		// A file left by an earlier run must not look like readiness.
		if err := os.Remove(f.readyFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "ssocontract serve: --ready-file: %v\n", err)
			return 1
		}
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintf(stderr, "ssocontract serve: listen on %s: %v\n", f.addr, err)
		return 2
	}
	scheme := "http"
	var certPath string
	if f.tls {
		scheme = "https"
		cert, path, cleanup, err := tlsCertificate(f.certFile)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "ssocontract serve: %v\n", err)
			return 1
		}
		defer cleanup()
		certPath = path
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	baseURL := scheme + "://" + ln.Addr().String()
	sessions := map[string]bool{}
	for _, s := range f.denied {
		sessions[s] = false
	}
	for _, s := range f.sessions {
		sessions[s] = true
	}
	cfgBase := f.baseURL
	if cfgBase == "" {
		cfgBase = baseURL
	}
	p, err := provider.New(provider.Config{
		ProjectID: f.projectID, Secret: f.secret, Sessions: sessions, RateLimit: f.rate, BaseURL: cfgBase,
	})
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "ssocontract serve: %v\n", err)
		return 2
	}
	seed := p.Seeded()
	lines := [][2]string{
		{"STYTCH_PROJECT_ID", f.projectID},
		{"STYTCH_BASE_URL", baseURL},
	}
	if certPath != "" {
		lines = append(lines, [2]string{"STYTCH_CA_CERT", certPath})
	}
	lines = append(lines,
		[2]string{"STYTCH_ORGANIZATION_ID", seed.OrganizationID},
		[2]string{"STYTCH_ORGANIZATION_SLUG", seed.OrganizationSlug},
		[2]string{"STYTCH_SAML_CONNECTION_ID", seed.SAMLConnectionID},
		[2]string{"STYTCH_EXTERNAL_CONNECTION_ID", seed.ExternalConnectionID},
	)
	var vars strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&vars, "%s=%s\n", l[0], shellQuote(l[1]))
	}
	fmt.Fprint(stdout, vars.String())
	fmt.Fprintf(stderr, "ssocontract serve: a local stand-in for Stytch (not Stytch) on %s; Ctrl-C to stop\n", baseURL)

	red := recording.NewRedactor(f.secret)
	red.AddBasicCredential(f.projectID, f.secret)
	srv := &http.Server{
		Handler:           logRequests(p, stderr, red),
		ReadHeaderTimeout: min(serveReadHeaderTimeout, f.readTimeout),
		ReadTimeout:       f.readTimeout,
		WriteTimeout:      max(serveWriteTimeout, f.readTimeout),
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if f.readyFile != "" {
		// The listener accepts connections already: ready means ready.
		if err := atomicfile.Write(f.readyFile, []byte(vars.String()), 0o644); err != nil {
			fmt.Fprintf(stderr, "ssocontract serve: --ready-file: %v\n", err)
			_ = srv.Close()
			return 1
		}
		defer os.Remove(f.readyFile)
	}
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "ssocontract serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "ssocontract serve: shutdown: %v\n", err)
		return 1
	}
	fmt.Fprintln(stderr, "ssocontract serve: stopped")
	return 0
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// logRequests writes one line per request to stderr: method, path (with any
// registered secret removed), status. Never headers or bodies.
func logRequests(h http.Handler, w io.Writer, red *recording.Redactor) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		fmt.Fprintf(w, "%s %s %d\n", r.Method, red.URL(r.URL.EscapedPath()), sw.status)
	})
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote makes a value safe for eval in a POSIX shell.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tlsCertificate makes a self-signed certificate for 127.0.0.1, ::1 and
// localhost and writes its PEM to path, or to a temporary file removed by
// cleanup when path is empty.
func tlsCertificate(path string) (tls.Certificate, string, func(), error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", nil, fmt.Errorf("generate TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return tls.Certificate{}, "", nil, fmt.Errorf("TLS certificate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "ssocontract serve (local Stytch stand-in)"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", nil, fmt.Errorf("create TLS certificate: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	cleanup := func() {}
	if path == "" {
		dir, err := os.MkdirTemp("", "ssocontract-serve-")
		if err != nil {
			return tls.Certificate{}, "", nil, fmt.Errorf("create temporary directory: %w", err)
		}
		path = filepath.Join(dir, "ca.pem")
		cleanup = func() { os.RemoveAll(dir) }
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		cleanup()
		return tls.Certificate{}, "", nil, fmt.Errorf("--cert-file %q: %w", path, err)
	}
	if err := atomicfile.Write(abs, certPEM, 0o644); err != nil {
		cleanup()
		return tls.Certificate{}, "", nil, fmt.Errorf("write certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, abs, cleanup, nil
}
