package sso

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
)

// faultVariants are the client configurations every fault runs against.
// The integrator adds the contract-validating transport here (enforce and
// monitor modes) so each fault is also checked with validation on.
var faultVariants = map[string][]Option{
	"plain":            nil,
	"validate-enforce": {withValidation(faultValidator(), contract.CheckConfig{Mode: contract.Enforce})},
	"validate-report":  {withValidation(faultValidator(), contract.CheckConfig{Mode: contract.Monitor})},
}

// faultValidator is the strict validator the validating variants share.
func faultValidator() *contract.Validator {
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		panic(err)
	}
	return v
}

// rawServer is a TCP listener on loopback whose connections are handled by
// serve, for faults net/http's server cannot produce.
func rawServer(t *testing.T, serve func(conn net.Conn)) (url string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				// Read the request head and whatever body is there.
				_ = conn.SetReadDeadline(testutil.HangDeadline(t))
				r := bufio.NewReader(conn)
				req, err := http.ReadRequest(r)
				if err == nil {
					_, _ = io.Copy(io.Discard, req.Body)
				}
				serve(conn)
			})
		}
	})
	return "http://" + ln.Addr().String(), func() { _ = ln.Close(); wg.Wait() }
}

// faultCall runs one SAML update against url with the variant's options and
// no real sleeping between retries.
func faultCall(t *testing.T, url string, ctx context.Context, opts ...Option) (*ResponseMeta, error) {
	t.Helper()
	c, err := New(testProjectID, testSecret, append([]Option{WithBaseURL(url), withWaitHook(noWait)}, opts...)...)
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	var meta ResponseMeta
	conn, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, &SAMLConnectionUpdate{DisplayName: Ptr("x")}, WithResponseMeta(&meta))
	if err != nil {
		assert.Nil(t, conn, "no result with an error")
		assert.NotContains(t, err.Error(), testSecret)
		assert.NotContains(t, err.Error(), "\n")
	} else {
		assert.NotNil(t, conn)
	}
	return &meta, err
}

// TestFaults drives each low-level fault and checks the typed error or the
// bounded retry, with no leaked goroutine. Not parallel: goleak needs the
// process to itself.
func TestFaults(t *testing.T) {
	for variant, vopts := range faultVariants {
		t.Run(variant, func(t *testing.T) {
			t.Run("connection refused", func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				url := "http://" + ln.Addr().String()
				require.NoError(t, ln.Close())
				meta, err := faultCall(t, url, context.Background(), append(vopts, WithRetry(RetryPolicy{MaxAttempts: 3}))...)
				require.Error(t, err)
				assert.ErrorIs(t, err, syscall.ECONNREFUSED)
				assert.Contains(t, err.Error(), "after 3 attempts")
				assert.Equal(t, 3, meta.Attempts)
			})
			t.Run("reset in the headers is retried", func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				var n sync.Mutex
				count := 0
				url, stop := rawServer(t, func(conn net.Conn) {
					n.Lock()
					count++
					first := count == 1
					n.Unlock()
					if first {
						_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Ty")
						if tc, ok := conn.(*net.TCPConn); ok {
							_ = tc.SetLinger(0) // RST, not FIN
						}
						return
					}
					_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "+strconv.Itoa(len(samlOK))+"\r\n\r\n"+samlOK)
				})
				defer stop()
				meta, err := faultCall(t, url, context.Background(), vopts...)
				require.NoError(t, err)
				assert.Equal(t, 2, meta.Attempts)
			})
			t.Run("reset in the body", func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				url, stop := rawServer(t, func(conn net.Conn) {
					_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"+samlOK[:100])
					if tc, ok := conn.(*net.TCPConn); ok {
						_ = tc.SetLinger(0)
					}
				})
				defer stop()
				_, err := faultCall(t, url, context.Background(), vopts...)
				require.Error(t, err)
				assert.True(t, errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET), "err = %v", err)
				assert.Contains(t, err.Error(), "sso: UpdateSAMLConnection: 200 response")
			})
			t.Run("error body cut off", func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				url, stop := rawServer(t, func(conn net.Conn) {
					_, _ = io.WriteString(conn, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"+errorBody(404, "x")[:40])
				})
				defer stop()
				_, err := faultCall(t, url, context.Background(), vopts...)
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 404, apiErr.StatusCode)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
				assert.ErrorIs(t, err, ErrNotFound)
			})
			t.Run("101 Switching Protocols then a stalled connection", func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				url, stop := rawServer(t, func(conn net.Conn) {
					_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
					// Stall: send nothing more until the client hangs up
					// (or, with a broken client, long past the bound).
					_ = conn.SetReadDeadline(testutil.HangDeadline(t))
					_, _ = io.Copy(io.Discard, conn)
				})
				defer stop()
				meta, err := faultCall(t, url, testutil.HangGuard(t, "a call answered 101 on a stalled connection"), vopts...)
				assert.NotErrorIs(t, err, context.DeadlineExceeded, "the call ends on the 1xx, not at its context's deadline")
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusSwitchingProtocols, apiErr.StatusCode)
				assert.Contains(t, err.Error(), "101 switching protocols: informational answer instead of a final response")
				assert.Equal(t, 1, meta.Attempts, "a 1xx is not retried")
			})
			t.Run("slow headers past the deadline", func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leave
					waitGone(t, r)
				}))
				defer srv.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				defer cancel()
				meta, err := faultCall(t, srv.URL, ctx, vopts...)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Equal(t, 1, meta.Attempts)
			})
			t.Run("slow body past the deadline", func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body)
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, samlOK[:50])
					w.(http.Flusher).Flush()
					waitGone(t, r)
				}))
				defer srv.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				defer cancel()
				_, err := faultCall(t, srv.URL, ctx, vopts...)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			})
			statusFault := func(name string, handler http.HandlerFunc, opts []Option, check func(t *testing.T, meta *ResponseMeta, err error)) {
				t.Run(name, func(t *testing.T) {
					defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
					srv := httptest.NewServer(handler)
					defer srv.Close()
					meta, err := faultCall(t, srv.URL, context.Background(), append(append([]Option(nil), vopts...), opts...)...)
					check(t, meta, err)
				})
			}
			var mu sync.Mutex
			calls := map[string]int{}
			nth := func(key string) int {
				mu.Lock()
				defer mu.Unlock()
				calls[key]++
				return calls[key]
			}
			for form, ra := range map[string]string{"seconds": "1", "HTTP date": time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)} {
				var w waits
				statusFault("429 with Retry-After as "+form, func(rw http.ResponseWriter, r *http.Request) {
					if nth("429"+ra) == 1 {
						rw.Header().Set("Retry-After", ra)
						rw.WriteHeader(http.StatusTooManyRequests)
						return
					}
					okResponder(rw, r, 0)
				}, []Option{withWaitHook(w.hook)}, func(t *testing.T, meta *ResponseMeta, err error) {
					require.NoError(t, err)
					assert.Equal(t, 2, meta.Attempts)
					got := w.all()
					require.Len(t, got, 1)
					assert.Greater(t, got[0], 500*time.Millisecond, "Retry-After honoured")
					assert.LessOrEqual(t, got[0], 2*time.Second)
				})
			}
			statusFault("burst of 5xx then success", func(w http.ResponseWriter, r *http.Request) {
				if n := nth("burst"); n <= 3 {
					w.WriteHeader([]int{500, 502, 503}[n-1])
					return
				}
				okResponder(w, r, 0)
			}, nil, func(t *testing.T, meta *ResponseMeta, err error) {
				require.NoError(t, err)
				assert.Equal(t, 4, meta.Attempts)
			})
			statusFault("endless 5xx gives up", func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusServiceUnavailable)
			}, nil, func(t *testing.T, meta *ResponseMeta, err error) {
				assert.ErrorIs(t, err, ErrServerError)
				assert.Equal(t, DefaultRetryPolicy().MaxAttempts, meta.Attempts)
			})
			statusFault("HTML 502", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
			}, []Option{WithoutRetries()}, func(t *testing.T, _ *ResponseMeta, err error) {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, "<html><body><h1>502 Bad Gateway</h1></body></html>", apiErr.BodySample)
			})
			statusFault("empty error body", func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
			}, nil, func(t *testing.T, _ *ResponseMeta, err error) {
				assert.ErrorIs(t, err, ErrUnauthorized)
			})
			statusFault("truncated JSON on 200", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, samlOK[:300])
			}, nil, func(t *testing.T, _ *ResponseMeta, err error) {
				if enforcing(variant, t, err, contract.KindSchema, contract.KindUnreadableBody) {
					return
				}
				assert.ErrorIs(t, err, ErrDecode)
			})
			statusFault("wrong Content-Type on 200", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = io.WriteString(w, samlOK)
			}, nil, func(t *testing.T, _ *ResponseMeta, err error) {
				if enforcing(variant, t, err, contract.KindContentType) {
					return
				}
				assert.ErrorIs(t, err, ErrDecode)
				assert.Contains(t, err.Error(), `Content-Type "text/plain"`)
			})
			statusFault("50 MB response", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				chunk := []byte(strings.Repeat("x", 1<<20))
				_, _ = io.WriteString(w, `{"pad":"`)
				for range 50 {
					if _, err := w.Write(chunk); err != nil {
						return // the client stopped reading: as it should
					}
				}
				_, _ = io.WriteString(w, `"}`)
			}, nil, func(t *testing.T, _ *ResponseMeta, err error) {
				// The client's own bound stops the read before any check, in
				// every variant: a body it cannot read whole is never validated
				// and never passes.
				assert.ErrorIs(t, err, ErrResponseTooLarge)
				assert.Contains(t, err.Error(), "exceeds 10485760 bytes")
			})
		})
	}
}

// enforcing checks, for the enforce variant, that a malformed 200 failed
// the call with a *contract.ViolationError of one of the kinds given (a 200
// that breaks the contract is not decoded), and reports whether it did so.
// Other variants get the plain client's errors, checked by the caller.
func enforcing(variant string, t *testing.T, err error, kinds ...contract.Kind) bool {
	t.Helper()
	if variant != "validate-enforce" {
		return false
	}
	var ce *contract.ViolationError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, http.StatusOK, ce.StatusCode)
	require.NotEmpty(t, ce.Violations)
	assert.Contains(t, kinds, ce.Violations[0].Kind)
	return true
}

// waitGone blocks until the client has gone, or until the test's hang guard
// fires, so a broken client cannot hang httptest.Server.Close.
func waitGone(t *testing.T, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-testutil.HangGuard(t, "a server handler waiting for the client to hang up").Done():
	}
}
