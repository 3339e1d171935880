package contract

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeTracker records whether response bodies were closed.
type closeTracker struct {
	base   http.RoundTripper
	closed atomic.Int32
}

type trackedBody struct {
	io.ReadCloser
	t *closeTracker
}

func (b trackedBody) Close() error { b.t.closed.Add(1); return b.ReadCloser.Close() }

func (c *closeTracker) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		resp.Body = trackedBody{resp.Body, c}
	}
	return resp, err
}

// setup starts a loopback server answering with status and body, and
// returns a clean SAML request to it.
func setup(t *testing.T, status int, body []byte) (*http.Request, *closeTracker) {
	t.Helper()
	var gotBody atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody.Store(b)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	p := samlPair(t)
	url := strings.Replace(p.URL, "https://test.stytch.com", srv.URL, 1)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, url, bytes.NewReader(p.RequestBody))
	require.NoError(t, err)
	req.Header = p.RequestHeader.Clone()
	return req, &closeTracker{base: http.DefaultTransport}
}

func TestTransportEnforce(t *testing.T) {
	t.Parallel()
	bad := edit(t, samlPair(t).ResponseBody, func(m map[string]any) { delete(conn(m), "acs_url") })
	req, tracker := setup(t, http.StatusOK, bad)
	tr := mustTransport(t, newValidator(t), CheckConfig{}, tracker)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.Error(t, err)
	assert.Nil(t, resp)
	var ce *ViolationError
	require.True(t, errors.As(err, &ce), "error %v; want *ViolationError", err)
	assert.Equal(t, http.StatusOK, ce.StatusCode)
	assert.Equal(t, bad, ce.Body)
	require.Len(t, ce.Violations, 1)
	assert.Equal(t, "/connection/acs_url", ce.Violations[0].Location)
	assert.Equal(t, int32(1), tracker.closed.Load(), "response body closed")
}

func TestTransportEnforcePassesCleanPairs(t *testing.T) {
	t.Parallel()
	good := samlPair(t).ResponseBody
	req, tracker := setup(t, http.StatusOK, good)
	header := req.Header.Clone()
	tr := mustTransport(t, newValidator(t, WithStrict(true)), CheckConfig{}, tracker)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, good, got)
	assert.Equal(t, header, req.Header, "caller's request headers unchanged")
	// The caller's request can still be replayed.
	rb, err := req.GetBody()
	require.NoError(t, err)
	b, _ := io.ReadAll(rb)
	assert.Equal(t, samlPair(t).RequestBody, b)
}

func TestTransportReport(t *testing.T) {
	t.Parallel()
	bad := edit(t, samlPair(t).ResponseBody, func(m map[string]any) {
		conn(m)["encryption_private_keys"] = []any{map[string]any{"private_key": 1, "private_key_id": canaryKey}}
	})
	req, tracker := setup(t, http.StatusOK, bad)
	req.Body = io.NopCloser(req.Body) // no GetBody: the transport must read and replace
	req.GetBody = nil
	var logs bytes.Buffer
	var reported []Violation
	tr := mustTransport(t, newValidator(t), CheckConfig{Mode: Monitor,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		OnViolation: func(_ context.Context, p *Pair, vs []Violation) {
			assert.Equal(t, "live", p.Source)
			reported = vs
		}}, tracker)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, bad, got, "body re-readable in monitor mode")
	require.Len(t, reported, 1)
	assert.Equal(t, "/connection/encryption_private_keys/0/private_key", reported[0].Location)
	assert.Contains(t, logs.String(), "contract violation")
	assert.NotContains(t, logs.String(), canary)
	assert.NotContains(t, logs.String(), "secret-test")
}

// The zero CheckConfig checks every pair: a rate of 0 means all, never none.
func TestCheckerZeroSampleRateChecksAll(t *testing.T) {
	t.Parallel()
	req, tracker := setup(t, http.StatusOK, []byte(`not json`))
	tr := mustTransport(t, newValidator(t), CheckConfig{SampleRate: 0}, tracker)
	_, err := tr.RoundTrip(req)
	var ce *ViolationError
	require.ErrorAs(t, err, &ce)
}

// A fractional rate skips some pairs and checks others.
func TestCheckerSampleRate(t *testing.T) {
	t.Parallel()
	c, err := NewChecker(newValidator(t), CheckConfig{SampleRate: 0.5})
	require.NoError(t, err)
	checked := 0
	for range 1000 {
		if c.Sampled() {
			checked++
		}
	}
	assert.InDelta(t, 500, checked, 150, "about half of 1000 pairs sampled")
}

func TestNewCheckerRejectsBadInput(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	tests := map[string]struct {
		v   *Validator
		cfg CheckConfig
	}{
		"nil validator": {nil, CheckConfig{}},
		"rate above 1":  {v, CheckConfig{SampleRate: 1.5}},
		"negative rate": {v, CheckConfig{SampleRate: -0.1}},
		"rate NaN":      {v, CheckConfig{SampleRate: nan()}},
		"bad mode":      {v, CheckConfig{Mode: Mode(7)}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := NewChecker(tc.v, tc.cfg)
			require.Error(t, err)
			assert.Nil(t, c)
		})
	}
	_, err := NewTransport(nil, nil)
	require.Error(t, err, "NewTransport(nil Checker)")
}

// A Transport not built by NewTransport refuses traffic instead of passing
// it unchecked.
func TestZeroTransportRefusesTraffic(t *testing.T) {
	t.Parallel()
	for name, tr := range map[string]*Transport{"zero value": {}, "nil": nil} {
		req := httptest.NewRequest(http.MethodPut, "http://127.0.0.1/", strings.NewReader("{}"))
		resp, err := tr.RoundTrip(req)
		require.Error(t, err, name)
		assert.Nil(t, resp, name)
		assert.Contains(t, err.Error(), "NewTransport", name)
	}
}

// mustTransport builds a checking transport over base.
func mustTransport(t *testing.T, v *Validator, cfg CheckConfig, base http.RoundTripper) *Transport {
	t.Helper()
	c, err := NewChecker(v, cfg)
	require.NoError(t, err)
	tr, err := NewTransport(c, base)
	require.NoError(t, err)
	return tr
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

// stubTransport answers every request with a fixed status and body reader.
type stubTransport struct {
	status int
	body   func() io.ReadCloser
}

func (s stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: s.status, Header: http.Header{"Content-Type": {"application/json"}}, Body: s.body(), Request: r}, nil
}

// failingBody yields some bytes, then a connection error.
type failingBody struct {
	data []byte
	err  error
}

func (f *failingBody) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func (f *failingBody) Close() error { return nil }

// A body that breaks off mid-read is a fault of the connection, not of the
// contract: in both modes the caller reads what arrived and the same error,
// exactly as without the validating layer.
func TestTransportPassesBodyReadErrorsThrough(t *testing.T) {
	t.Parallel()
	reset := errors.New("connection reset by peer")
	for _, mode := range []Mode{Enforce, Monitor} {
		v, err := New(WithStrict(true))
		require.NoError(t, err)
		reported := 0
		tr := mustTransport(t, v, CheckConfig{Mode: mode, OnViolation: func(context.Context, *Pair, []Violation) { reported++ }},
			stubTransport{status: 200, body: func() io.ReadCloser { return &failingBody{data: []byte(`{"request_id":`), err: reset} }})
		req := httptest.NewRequest(http.MethodPut, "https://test.stytch.com/v1/b2b/sso/saml/o/connections/c", nil)
		resp, err := tr.RoundTrip(req)
		require.NoError(t, err, "mode %v", mode)
		got, err := io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, reset, "mode %v", mode)
		assert.Equal(t, `{"request_id":`, string(got))
		assert.Zero(t, reported, "nothing complete to validate, nothing reported")
		require.NoError(t, resp.Body.Close())
	}
}

// A body too long to validate reaches the caller whole, every byte of it.
func TestTransportTooLongBodyIsHandedOverWhole(t *testing.T) {
	t.Parallel()
	v, err := New()
	require.NoError(t, err)
	big := bytes.Repeat([]byte("0123456789abcdef"), MaxTransportBodyBytes/16+1000)
	var got []Violation
	tr := mustTransport(t, v, CheckConfig{Mode: Monitor, OnViolation: func(_ context.Context, _ *Pair, vs []Violation) { got = vs }},
		stubTransport{status: 200, body: func() io.ReadCloser { return io.NopCloser(bytes.NewReader(big)) }})
	req := httptest.NewRequest(http.MethodPut, "https://test.stytch.com/v1/b2b/sso/saml/o/connections/c", nil)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, len(big), len(body), "no byte lost at the validation limit")
	assert.True(t, bytes.Equal(big, body))
	require.Len(t, got, 1)
	assert.Equal(t, KindUnreadableBody, got[0].Kind)

	enforce := mustTransport(t, v, CheckConfig{}, stubTransport{status: 200, body: func() io.ReadCloser { return io.NopCloser(bytes.NewReader(big)) }})
	_, err = enforce.RoundTrip(httptest.NewRequest(http.MethodPut, "https://test.stytch.com/v1/b2b/sso/saml/o/connections/c", nil))
	var ce *ViolationError
	require.ErrorAs(t, err, &ce)
	assert.Len(t, ce.Body, MaxTransportBodyBytes, "the error keeps a bounded body")
}
