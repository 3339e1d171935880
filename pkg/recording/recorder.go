package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// Mode says whether a [Recorder] replays a recording or makes a new one.
type Mode int

const (
	// ModeReplay, the default, answers every request from the recording and
	// never reaches the network; a missing recording or an unmatched request
	// is an error naming the command that records it.
	ModeReplay Mode = iota
	// ModeRecord sends every request through the real transport and writes a
	// new, redacted recording on [Recorder.Stop], replacing the old one
	// atomically.
	ModeRecord
)

// String returns "replay" or "record".
func (m Mode) String() string {
	switch m {
	case ModeReplay:
		return "replay"
	case ModeRecord:
		return "record"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// DefaultRecordCommand is the command named in errors about missing
// recordings unless [WithRecordCommand] says otherwise.
const DefaultRecordCommand = "make record"

// ErrNotRecorded is wrapped by errors for a missing recording or a request
// the recording holds no answer for.
var ErrNotRecorded = errors.New("not recorded")

// Option configures a [Recorder].
type Option func(*options) error

type options struct {
	mode      Mode
	real      http.RoundTripper
	secrets   []string
	recordCmd string
}

// WithMode sets [ModeReplay] (the default) or [ModeRecord].
func WithMode(m Mode) Option {
	return func(o *options) error {
		if m != ModeReplay && m != ModeRecord {
			return fmt.Errorf("recording: unknown mode %d", int(m))
		}
		o.mode = m
		return nil
	}
}

// WithRealTransport sets the transport requests go through in [ModeRecord]
// (default [http.DefaultTransport]). It is never used in [ModeReplay].
func WithRealTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		if rt == nil {
			return errors.New("recording: WithRealTransport(nil)")
		}
		o.real = rt
		return nil
	}
}

// WithSecrets registers secret values (project secret, session tokens and
// JWTs, private keys) to remove wherever they appear, on top of the
// redaction by name. More can be added later with [Recorder.Redactor].
func WithSecrets(secrets ...string) Option {
	return func(o *options) error {
		o.secrets = append(o.secrets, secrets...)
		return nil
	}
}

// WithRecordCommand sets the command named in errors about missing
// recordings, such as "make record" (the default).
func WithRecordCommand(cmd string) Option {
	return func(o *options) error {
		if strings.TrimSpace(cmd) == "" {
			return errors.New("recording: WithRecordCommand(\"\")")
		}
		o.recordCmd = cmd
		return nil
	}
}

// Recorder is an [http.RoundTripper] that replays a go-vcr v4 cassette or
// records one. It sits at the bottom of a client's transport stack, in place
// of the network: wrap it with auth or validating transports as usual.
//
// Recordings are redacted before they reach disk (see [Redactor]), written
// atomically, and replayed with a matcher that ignores exactly what was
// redacted (see [Redactor.Match]). Within one cassette, requests that are
// equal after redaction are answered in recorded order, each once.
type Recorder struct {
	rec       *recorder.Recorder
	redactor  *Redactor
	fs        *diskFS
	mode      Mode
	file      string
	recordCmd string
}

// New opens the cassette at path (".yaml" is added when missing) in replay
// mode, or starts a new one in record mode. In replay mode a missing file
// is an error wrapping [ErrNotRecorded] that names the record command.
func New(path string, opts ...Option) (*Recorder, error) {
	o := options{real: http.DefaultTransport, recordCmd: DefaultRecordCommand}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if path == "" {
		return nil, errors.New("recording: empty cassette path")
	}
	name := strings.TrimSuffix(path, ".yaml")
	red := NewRedactor(o.secrets...)
	fs := &diskFS{redactor: red}
	r := &Recorder{redactor: red, fs: fs, mode: o.mode, file: name + ".yaml", recordCmd: o.recordCmd}
	vcrOpts := []recorder.Option{
		recorder.WithFS(fs),
		recorder.WithMatcher(red.Match),
		recorder.WithSkipRequestLatency(true),
		// go-vcr's debug log dumps whole requests, Authorization included,
		// to stderr when VCR_DEBUG is set; it must never see a secret.
		recorder.WithDebugWriter(discard{}),
		recorder.WithHook(func(i *cassette.Interaction) error {
			return red.Interaction(i)
		}, recorder.BeforeSaveHook),
	}
	switch o.mode {
	case ModeRecord:
		vcrOpts = append(vcrOpts, recorder.WithMode(recorder.ModeRecordOnly), recorder.WithRealTransport(o.real))
	default:
		vcrOpts = append(vcrOpts, recorder.WithMode(recorder.ModeReplayOnly), recorder.WithRealTransport(noNetwork{}))
	}
	rec, err := recorder.New(name, vcrOpts...)
	if err != nil {
		if errors.Is(err, cassette.ErrCassetteNotFound) {
			return nil, fmt.Errorf("recording: no recording at %s; record it with %q: %w", r.file, r.recordCmd, ErrNotRecorded)
		}
		return nil, fmt.Errorf("recording: open %s: %w", r.file, err)
	}
	r.rec = rec
	return r, nil
}

// RoundTrip answers req from the recording (replay) or sends it and records
// the exchange (record).
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rec.RoundTrip(req)
	if err != nil {
		if errors.Is(err, cassette.ErrInteractionNotFound) {
			return nil, fmt.Errorf("recording: %s holds no answer for %s %s (compared after redaction: method, path, query, body, and which auth and session headers are present); re-record with %q: %w",
				r.file, req.Method, r.redactor.URL(req.URL.EscapedPath()), r.recordCmd, ErrNotRecorded)
		}
		return nil, fmt.Errorf("recording: %s %s: %w", req.Method, r.redactor.URL(req.URL.EscapedPath()), err)
	}
	return resp, nil
}

// Client returns an [http.Client] using the Recorder as its transport.
func (r *Recorder) Client() *http.Client {
	return &http.Client{Transport: r}
}

// Redactor returns the Recorder's redactor, to register secrets made during
// a run (keys generated by a test) before [Recorder.Stop] saves.
func (r *Recorder) Redactor() *Redactor {
	return r.redactor
}

// Mode returns the mode the Recorder was opened in.
func (r *Recorder) Mode() Mode {
	return r.mode
}

// File returns the cassette's file path.
func (r *Recorder) File() string {
	return r.file
}

// Stop ends the Recorder. In record mode it redacts and atomically writes
// the recording; on error the previous file, if any, is intact.
func (r *Recorder) Stop() error {
	if err := r.rec.Stop(); err != nil {
		return fmt.Errorf("recording: save %s: %w", r.file, err)
	}
	return nil
}

// Match is a go-vcr matcher that ignores exactly what the Redactor hides:
// it compares the method, the URL path and query and the body after
// redacting the live request the same way (JSON bodies compared by value),
// and which of Authorization, X-Stytch-Member-Session and
// X-Stytch-Member-SessionJWT are present, not their values. The host is
// ignored, so a recording replays against any base URL.
func (r *Redactor) Match(req *http.Request, rec cassette.Request) bool {
	if req.Method != rec.Method {
		return false
	}
	ru, err := url.Parse(rec.URL)
	if err != nil {
		return false
	}
	lu, err := url.Parse(r.URL(req.URL.String()))
	if err != nil {
		return false
	}
	if lu.EscapedPath() != ru.EscapedPath() || !reflect.DeepEqual(lu.Query(), ru.Query()) {
		return false
	}
	for _, h := range []string{"Authorization", headerMemberSession, headerMemberSessionJWT} {
		if (req.Header.Get(h) != "") != (rec.Headers.Get(h) != "") {
			return false
		}
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return false
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(b))
		body = b
		if dec, _, err := decodeContent(req.Header, b); err == nil {
			body = dec // recorded decoded, see Redactor.Interaction
		}
	}
	return sameBody(r.Body(body), []byte(rec.Body))
}

// sameBody compares JSON bodies by value and anything else byte for byte.
func sameBody(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil {
		return reflect.DeepEqual(va, vb)
	}
	return bytes.Equal(a, b)
}

// noNetwork is the real transport in replay mode: go-vcr never calls it
// there, and if it ever did the request would fail instead of leaving the
// machine.
type noNetwork struct{}

func (noNetwork) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return nil, fmt.Errorf("recording: replay mode never sends requests: %w", ErrNotRecorded)
}

// discard swallows go-vcr's debug log. It is not io.Discard on purpose: go-vcr
// swaps io.Discard for stderr when VCR_DEBUG is set.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
