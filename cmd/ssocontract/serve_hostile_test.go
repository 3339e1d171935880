package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestServeAccessLogHostileEncodings: the access log shows the secret in
// none of the encodings of issue 21 section 5 (hex, UTF-16, separated
// characters, percent escapes of every byte, HTML entities,
// quoted-printable, base32, fullwidth letters) that a client puts in the
// path.
func TestServeAccessLogHostileEncodings(t *testing.T) {
	t.Parallel()
	vars, stderr, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret)
	encs := testutil.HostileEncodings()
	for _, enc := range encs {
		path := "/v1/echo/" + url.PathEscape(enc.Encode(serveSecret)) + "/end"
		require.NotEmpty(t, testutil.Reveals(path, "canary"), "%s: the oracle sees the secret in the path", enc.Name)
		assert.Equal(t, http.StatusNotFound, put(t, http.DefaultClient, vars["STYTCH_BASE_URL"]+path, serveSecret), enc.Name)
	}
	assert.Equal(t, 0, stop())
	log := stderr.String()
	assert.Equal(t, len(encs), strings.Count(log, "/v1/echo/"), "every request was logged")
	for _, line := range strings.Split(log, "\n") {
		assert.Empty(t, testutil.Reveals(line, "canary"), "the access log shows the secret: %q", line)
	}
}
