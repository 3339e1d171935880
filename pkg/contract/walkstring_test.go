package contract

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// TestWalkerStringsMatchEncodingJSON holds the walker's two thin wrappers
// of package jsonstr (readString, which finds a literal's end and moves
// the walker past it, and unescape, which keeps unescaped bytes as they
// are) to encoding/json, on every seed and every pair of seeds: readString
// accepts "s" exactly when json.Unmarshal does, and unescape gives the same
// value. The decoding itself is fuzzed once, by jsonstr's FuzzUnescape.
func TestWalkerStringsMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	var cases []string
	for _, a := range testutil.JSONStringSeeds {
		for _, b := range testutil.JSONStringSeeds {
			cases = append(cases, a+b)
		}
	}
	for _, s := range cases {
		lit := []byte(`"` + s + `"`)
		var want string
		jsonErr := json.Unmarshal(lit, &want)

		w := &walker{scratch: []byte("left over")}
		w.reset(lit, SideResponse, "op", true, true)
		raw, esc, err := w.readString()
		accepted := err == nil && w.pos == len(lit)
		require.Equal(t, jsonErr == nil, accepted, "readString accepted %q", s)
		if !accepted {
			continue
		}
		val, err := w.unescape(raw, esc)
		require.NoError(t, err, "%q", s)
		if esc || utf8.ValidString(s) {
			require.Equal(t, want, string(val), "%q", s)
		} else {
			// Without escapes the walker keeps the bytes as they are; only
			// invalid UTF-8 tells that apart from encoding/json.
			require.Equal(t, s, string(val), "%q", s)
		}
	}
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
