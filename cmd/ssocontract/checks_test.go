package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValidateStrictFlagsMisspelledStytchHeader: a recorded member-session
// update whose header is one letter off (Stytch would ignore it and run the
// update with the project's rights) fails `validate --strict`, naming the
// header and the declared one it resembles, never the session token; the
// recording as made passes.
func TestValidateStrictFlagsMisspelledStytchHeader(t *testing.T) {
	t.Parallel()
	const recorded = "../../contracttests/testdata/cassettes/saml/member_session_token.yaml"
	data, err := os.ReadFile(recorded)
	require.NoError(t, err)
	require.Contains(t, string(data), "X-Stytch-Member-Session:")

	code, stdout, stderr := runCLI(t, "validate", "--strict", recorded)
	require.Equal(t, 0, code, "the recording as made:\n%s\n%s", stdout, stderr)

	misspelled := filepath.Join(t.TempDir(), "member_session_token.yaml")
	require.NoError(t, os.WriteFile(misspelled, []byte(strings.ReplaceAll(string(data), "X-Stytch-Member-Session:", "X-Stytch-Member-Sesion:")), 0o600))
	code, stdout, stderr = runCLI(t, "validate", "--strict", misspelled)
	assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "undocumented-field\theader:X-Stytch-Member-Sesion\t")
	assert.Contains(t, stdout, "resembles the declared X-Stytch-Member-Session")
	assert.NotContains(t, stdout+stderr, "session-token", "no header value is printed")

	code, stdout, _ = runCLI(t, "validate", misspelled)
	assert.Equal(t, 0, code, "without --strict undeclared headers are allowed:\n%s", stdout)
}

// TestValidateRefusesASuccessWithoutConnection: the client refuses a 200
// without its connection (ErrDecode), so `validate` must fail it too, in
// every mode; the recording as made passes. pkg/ssocheck's
// TestClientAndValidatorAgreeOnSuccessBodies holds the client to the same
// bodies.
func TestValidateRefusesASuccessWithoutConnection(t *testing.T) {
	t.Parallel()
	const recorded = "../../contracttests/testdata/cassettes/external/empty_body.yaml"
	data, err := os.ReadFile(recorded)
	require.NoError(t, err)
	code, stdout, stderr := runCLI(t, "validate", recorded)
	require.Equal(t, 0, code, "the recording as made:\n%s\n%s", stdout, stderr)

	body := regexp.MustCompile(`(?m)^(\s+body: )'\{"connection":.*$`)
	require.Len(t, body.FindAll(data, -1), 1)
	edited := filepath.Join(t.TempDir(), "no_connection.yaml")
	require.NoError(t, os.WriteFile(edited, body.ReplaceAll(data, []byte(`${1}'{"request_id":"request-id-test-1","status_code":200}'`)), 0o600))
	for _, mode := range [][]string{nil, {"--strict"}} {
		code, stdout, stderr = runCLI(t, append(append([]string{"validate"}, mode...), edited)...)
		assert.Equal(t, 1, code, "%v\nstdout:\n%s\nstderr:\n%s", mode, stdout, stderr)
		assert.Contains(t, stdout, "response\tmissing-required\t/connection\t", mode)
	}
}
