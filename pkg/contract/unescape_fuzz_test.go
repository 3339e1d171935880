package contract

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unescapeSeeds are string contents that reach every branch of
// jsonstr.AppendUnescaped: PEMs, every escape, surrogate pairs and lone halves,
// invalid UTF-8, and what encoding/json rejects.
var unescapeSeeds = []string{
	"", "plain", `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n`,
	`\"\\\/\b\f\n\r\t`, `\u0041\u00e9\u4e16`, `\ud83d\ude00`, `x\ud83d\ude00y`, `\ud83d`, `\ude00`, `\udc00\ud800`,
	`\ud800\u0041`, `\ud800\ud800\udc00`, `\ud800\uzzzz`, `\ud800\`, `\ud800\u12`, "h\xffi", "\xed\xa0\x80", "é世😀",
	`\u`, `\u12`, `\u12g4`, `\x41`, `\'`, `\`, `a"b`, "a\nb", "a\x00b", "\x7f", `12345678\n12345678"`,
	"abcdefg\x1f", "abcdefgh\\n", "abcdefgh\x80\\n", strings.Repeat(`MIIEowIBAAKCAQEA\n`, 20),
}

// FuzzUnescape checks the walker's string decoding against encoding/json:
// for any contents s of a string literal, readString (which finds the
// literal's end) accepts "s" exactly when json.Unmarshal does, and unescape
// gives the same value (jsonstr's own FuzzUnescape checks the pieces).
func FuzzUnescape(f *testing.F) {
	for _, s := range unescapeSeeds {
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
