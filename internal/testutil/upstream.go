package testutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// StytchUpstream returns Stytch's full published document, as published
// (pkg/specdiff/testdata/stytch-openapi-full.yml, MIT: see the licence
// beside it), with each old string of the old, new pairs replaced once by
// the new one: a synthetic upstream for the sync tests. An old string that
// is missing or occurs twice fails the test, so that a fixture cannot
// silently stop changing anything.
func StytchUpstream(t testing.TB, replace ...string) []byte {
	t.Helper()
	require.Zero(t, len(replace)%2, "StytchUpstream takes old, new pairs")
	data, err := os.ReadFile(filepath.Join(ModuleRoot(t), "pkg", "specdiff", "testdata", "stytch-openapi-full.yml"))
	require.NoError(t, err)
	s := string(data)
	for i := 0; i < len(replace); i += 2 {
		require.Equal(t, 1, strings.Count(s, replace[i]), "fixture string %q occurs once in Stytch's document", replace[i])
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return []byte(s)
}
