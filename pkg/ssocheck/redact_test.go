package ssocheck_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/scrub"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/sso"
	"github.com/stytchsso/stytchsso/pkg/ssocheck"
)

// The canaries: a project secret and a member session token a hostile
// server echoes back as names, never as values.
const (
	canarySecret = "secret-test-CANARY-redact-5e1f09aa"
	canaryToken  = "session-token-CANARY-redact-7a2c41b"
)

// roundTripFunc is an http.RoundTripper answering without a network, so that
// a test can hand the client any request header name.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// echoingNames answers every call with a conforming 200 whose connection
// also holds fields named after the secret and the session token in enc,
// and, when headerNames is set, reports the request as having been sent
// with an X-Stytch- header named the same way (as a proxy or middleware
// adding it would), which strict mode flags by name.
func echoingNames(enc testutil.HostileEncoding, headerNames bool) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		_, pass, _ := r.BasicAuth()
		token := r.Header.Get("X-Stytch-Member-Session")
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_ = r.Body.Close()
		}
		var names []string
		for _, s := range []string{pass, token} {
			name, err := json.Marshal(enc.Encode(s))
			if err != nil {
				return nil, err
			}
			names = append(names, string(name))
		}
		body := strings.Replace(okExternal, `"status":"active"`, `"status":"active",`+names[0]+`:1,`+names[1]+`:2`, 1)
		sent := r.Clone(r.Context())
		if headerNames {
			sent.Header["X-Stytch-"+enc.Encode(pass)] = []string{"1"}
			sent.Header["X-Stytch-"+enc.Encode(token)] = []string{"2"}
		}
		return &http.Response{
			StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{"Content-Type": {"application/json"}},
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)), Request: sent,
		}, nil
	})}
}

// TestSecretNamesStayOutOfViolations has a server echo the project secret
// and the member session token as field names (and a middleware as request
// header names) in every hostile encoding, through a strict Checker wired
// into the client: neither the Checker's log, nor its OnViolation
// callback, nor the call's error and the *contract.ViolationError inside
// it, printed with %v, %+v and %#v, show either secret, and every name was
// reported.
func TestSecretNamesStayOutOfViolations(t *testing.T) {
	t.Parallel()
	v, err := contract.New(contract.WithStrict(true))
	require.NoError(t, err)
	for _, enc := range testutil.HostileEncodings() {
		for _, headerNames := range []bool{false, true} {
			if headerNames && !enc.HeaderSafe {
				continue
			}
			want := 2 // the two fields
			if headerNames {
				want = 4 // and the two headers
			}
			t.Run(fmt.Sprintf("%s/headers=%v", enc.Name, headerNames), func(t *testing.T) {
				t.Parallel()
				for _, mode := range []contract.Mode{contract.Monitor, contract.Enforce} {
					var (
						mu       sync.Mutex
						sink     strings.Builder
						reported int
					)
					var logs testutil.SyncBuffer
					logger := slog.New(slog.NewTextHandler(&logs, nil))
					checker, err := contract.NewChecker(v, contract.CheckConfig{Mode: mode, Logger: logger,
						OnViolation: func(_ context.Context, _ *contract.Pair, vs []contract.Violation) {
							mu.Lock()
							defer mu.Unlock()
							reported += len(vs)
							for _, x := range vs {
								assert.Contains(t, x.Location, scrub.Marker, "the echoed name is redacted")
								fmt.Fprintf(&sink, "%s | %v | %+v | %#v\n", x.String(), x, x, x)
							}
						}})
					require.NoError(t, err)
					c, err := sso.New(projectID, canarySecret, sso.WithBaseURL("https://stytch.invalid"), sso.WithoutRetries(),
						sso.WithHTTPClient(echoingNames(enc, headerNames)), ssocheck.WithValidation(checker))
					require.NoError(t, err)
					_, err = c.UpdateExternalConnection(context.Background(), orgID, extID, &sso.ExternalConnectionUpdate{DisplayName: sso.Ptr("x")},
						sso.WithMemberSessionToken(canaryToken))
					if mode == contract.Monitor {
						require.NoError(t, err)
					} else {
						require.Error(t, err)
						var ce *contract.ViolationError
						require.True(t, errors.As(err, &ce), "the violation is reachable: %v", err)
						assert.Len(t, ce.Violations, want)
						fmt.Fprintf(&sink, "%v | %+v | %#v\n%v | %+v | %#v | %s\n", err, err, err, ce, ce, ce, ce.Error())
					}
					assert.Equal(t, want, reported, "%v: every echoed name is reported", mode)
					out := sink.String() + logs.String()
					assert.Equal(t, want, strings.Count(logs.String(), "contract violation"), "%v: every echoed name is logged", mode)
					assert.Empty(t, testutil.Reveals(out, "CANARY"), "%v: a secret shows:\n%s", mode, out)
				}
			})
		}
	}
}
