package sso

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkLargeErrorBody measures a call answered with a 1 MiB HTML 502
// (a proxy's error page), the path where the client cleans what the server
// sent, against net/http reading the same body in the same run.
func BenchmarkLargeErrorBody(b *testing.B) {
	page := strings.Repeat("<p>bad gateway, try again later</p>\n", (1<<20)/37)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, page)
	}))
	defer srv.Close()
	ctx := context.Background()
	b.Run("baseline=net/http", func(b *testing.B) {
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		defer hc.CloseIdleConnections()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/v1/x", strings.NewReader(`{}`))
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("client", func(b *testing.B) {
		c, err := New(testProjectID, testSecret, WithBaseURL(srv.URL), WithoutRetries())
		if err != nil {
			b.Fatal(err)
		}
		defer c.CloseIdleConnections()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			_, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil, WithMemberSessionToken(echoToken))
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
				b.Fatal(err)
			}
		}
	})
}
