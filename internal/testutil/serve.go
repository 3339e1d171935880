package testutil

import (
	"bufio"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ReadServeVars reads the NAME=value lines `ssocontract serve` prints on r,
// up to STYTCH_EXTERNAL_CONNECTION_ID, the last one, and then keeps draining
// r in the background so that serve never blocks on a full pipe. It fails
// the test on a line that is not NAME=value; a variable serve did not print
// is missing from the map.
func ReadServeVars(t testing.TB, r io.Reader) map[string]string {
	t.Helper()
	vars := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		require.Truef(t, ok, "serve printed %q; want NAME=value lines", sc.Text())
		vars[k] = v
		if k == "STYTCH_EXTERNAL_CONNECTION_ID" {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, r) }()
	return vars
}
