package contract

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unescapeSeeds are string contents that reach every branch of
// appendUnescaped: PEMs, every escape, surrogate pairs and lone halves,
// invalid UTF-8, and what encoding/json rejects.
var unescapeSeeds = []string{
	"", "plain", `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n`,
	`\"\\\/\b\f\n\r\t`, `\u0041\u00e9\u4e16`, `\ud83d\ude00`, `x\ud83d\ude00y`, `\ud83d`, `\ude00`, `\udc00\ud800`,
	`\ud800\u0041`, `\ud800\ud800\udc00`, `\ud800\uzzzz`, `\ud800\`, `\ud800\u12`, "h\xffi", "\xed\xa0\x80", "é世😀",
	`\u`, `\u12`, `\u12g4`, `\x41`, `\'`, `\`, `a"b`, "a\nb", "a\x00b", "\x7f", `12345678\n12345678"`,
	"abcdefg\x1f", "abcdefgh\\n", "abcdefgh\x80\\n", strings.Repeat(`MIIEowIBAAKCAQEA\n`, 20),
}

// FuzzUnescape checks the walker's string decoding against encoding/json:
// for any contents s of a string literal, appendUnescaped accepts s exactly
// when json.Unmarshal accepts "s" into a string, with the same value; and
// readString (which finds the literal's end) with unescape agrees too.
func FuzzUnescape(f *testing.F) {
	for _, s := range unescapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := []byte(`"` + s + `"`)
		var want string
		jsonErr := json.Unmarshal(lit, &want)

		got, ok := appendUnescaped([]byte("prefix"), []byte(s))
		require.Equal(t, jsonErr == nil, ok, "accepted")
		if ok {
			require.Equal(t, "prefix"+want, string(got))
		}

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

// TestQuoteEscCtlMask checks the eight-byte test against the byte-wise one:
// its lowest flagged byte is the first '"', '\\' or control character, for
// every byte value in every position after bytes of every kind, and for
// random words.
func TestQuoteEscCtlMask(t *testing.T) {
	t.Parallel()
	special := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	check := func(b [8]byte) {
		want := 8
		for i, c := range b {
			if special(c) {
				want = i
				break
			}
		}
		m := quoteEscCtlMask(binary.LittleEndian.Uint64(b[:]))
		got := 8
		if m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		require.Equal(t, want, got, "bytes %q", b[:])
	}
	for pos := range 8 {
		for c := range 256 {
			for _, fill := range []byte{'a', 0x00, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xff} {
				var b [8]byte
				for i := range b {
					b[i] = 'a'
					if i > pos {
						b[i] = fill
					}
				}
				b[pos] = byte(c)
				check(b)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], r.Uint64())
		check(b)
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
