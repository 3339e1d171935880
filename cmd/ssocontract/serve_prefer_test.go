package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
)

// TestServeAnswersPreferAndTheJWKS: a team steers serve with Prefer:
// code=N (Prism's convention) to try its retry and error handling, and
// Stytch's Go SDK fetches the JWKS without credentials when it is built.
func TestServeAnswersPreferAndTheJWKS(t *testing.T) {
	t.Parallel()
	vars, stderr, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret)
	saml := vars["STYTCH_BASE_URL"] + "/v1/b2b/sso/saml/" + vars["STYTCH_ORGANIZATION_ID"] + "/connections/" + vars["STYTCH_SAML_CONNECTION_ID"]
	send := func(method, url, preferCode string, auth bool) (*http.Response, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, url, nil)
		require.NoError(t, err)
		if auth {
			req.SetBasicAuth(serveProject, serveSecret)
		}
		if preferCode != "" {
			req.Header.Set("Prefer", "code="+preferCode)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var body map[string]any
		require.NoError(t, json.Unmarshal(raw, &body), "%s", raw)
		return resp, body
	}

	resp, body := send(http.MethodPut, saml, "429", true)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	assert.Equal(t, "too_many_requests", body["error_type"])
	resp, _ = send(http.MethodPut, saml, "500", true)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	resp, body = send(http.MethodPut, saml, "418", true)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body["error_message"], "declared: 200, 400, 401, 403, 404, 429, 500")
	resp, _ = send(http.MethodPut, saml, "200", false)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "Prefer is no way around the credentials")

	resp, body = send(http.MethodGet, vars["STYTCH_BASE_URL"]+"/v1/b2b/sessions/jwks/"+serveProject, "", false)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the JWKS needs no credentials")
	assert.NotEmpty(t, body["keys"])

	assert.Equal(t, 0, stop())
	log := stderr.String()
	assert.Contains(t, log, " 429\n")
	assert.Contains(t, log, "GET /v1/b2b/sessions/jwks/"+serveProject+" 200\n")
	assert.NotContains(t, log, serveSecret)
}

// TestServeHelpNamesTheDeclaredStatuses: serve --help documents Prefer with
// the statuses the spec declares, so the help cannot drift from the spec.
func TestServeHelpNamesTheDeclaredStatuses(t *testing.T) {
	t.Parallel()
	doc, err := api.Document()
	require.NoError(t, err)
	for _, path := range []string{names.SAMLConnectionPath, names.ExternalConnectionPath} {
		var codes []string
		for code := range doc.Paths.Find(path).Put.Responses.Map() {
			codes = append(codes, code)
		}
		sort.Slice(codes, func(i, j int) bool { a, _ := strconv.Atoi(codes[i]); b, _ := strconv.Atoi(codes[j]); return a < b })
		assert.Contains(t, serveSteeringHelp, "("+strings.Join(codes, ", ")+")", "%s", path)
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, serve(context.Background(), []string{"--help"}, &stdout, &stderr))
	for _, want := range []string{"Prefer: code=429", "Retry-After", "/v1/b2b/sessions/jwks/", "WITHOUT authentication", "STYTCH_CA_CERT"} {
		assert.Contains(t, stderr.String(), want)
	}
}
