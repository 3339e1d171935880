package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestRun: monitor mode lets the call through and reports the undeclared
// field; enforce mode fails the same call.
func TestRun(t *testing.T) {
	t.Parallel()
	ctx := testutil.HangGuard(t, "the validation example")
	var out strings.Builder
	require.NoError(t, run(ctx, &out))
	assert.Equal(t, `monitor mode: violation: UpdateSAMLConnection response undocumented-field at /new_field
monitor mode: the call succeeded: "Acme Okta"
enforce mode: the call failed with 1 violation(s), status 200
`, out.String())
	assert.NotContains(t, out.String(), secret)
}
