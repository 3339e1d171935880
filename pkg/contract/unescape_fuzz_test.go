package contract

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// FuzzUnescape checks the walker's string decoding against encoding/json:
// for any contents s of a string literal, readString (which finds the
// literal's end) accepts "s" exactly when json.Unmarshal does, and unescape
// gives the same value (jsonstr's own FuzzUnescape checks the pieces).
func FuzzUnescape(f *testing.F) {
	for _, s := range testutil.JSONStringSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := []byte(`"` + s + `"`)
		var want string
		jsonErr := json.Unmarshal(lit, &want)

		w := &walker{scratch: []byte("left over")}
		w.reset(lit, SideResponse, "op", true, true)
		raw, esc, err := w.readString()
		accepted := err == nil && w.pos == len(lit)
		require.Equal(t, jsonErr == nil, accepted, "readString accepted")
		if !accepted {
			return
		}
		val, err := w.unescape(raw, esc)
		require.NoError(t, err)
		if esc || utf8.ValidString(s) {
			// Without escapes the walker keeps the bytes as they are; only
			// invalid UTF-8 tells that apart from encoding/json.
			require.Equal(t, want, string(val))
		} else {
			require.Equal(t, s, string(val))
		}
	})
}

// TestUnescapeKeepsEarlierValues checks that decoding a string never
// overwrites the value of one decoded before it in the same walk: object
// walking may hold a key while it reads the next.
func TestUnescapeKeepsEarlierValues(t *testing.T) {
	t.Parallel()
	w := &walker{}
	w.reset([]byte(`{}`), SideRequest, "op", true, true)
	a, err := w.unescape([]byte(`\u0061lpha`), true)
	require.NoError(t, err)
	b, err := w.unescape([]byte(`\u0062eta-and-longer`), true)
	require.NoError(t, err)
	c, err := w.unescape([]byte(`g\u0061mma`), true)
	require.NoError(t, err)
	_ = append(a, "XXXXXXXX"...) // appending to one value must not reach the next
	assert.Equal(t, "alpha", string(a))
	assert.Equal(t, "beta-and-longer", string(b))
	assert.Equal(t, "gamma", string(c))
}
