package jsonstr

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

// FuzzUnescape checks both halves against encoding/json: for any contents s
// of a string literal, Scan finds the literal "s" whole (OK, ending at its
// last byte) exactly when json.Unmarshal accepts it into a string, and
// AppendUnescaped accepts s exactly then too, with the same value. Every
// proper prefix of a literal Scan accepts is Short, never OK or Bad: a
// stream reader that meets one asks for more data.
func FuzzUnescape(f *testing.F) {
	for _, s := range testutil.JSONStringSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := []byte(`"` + s + `"`)
		var want string
		jsonErr := json.Unmarshal(lit, &want)

		got, ok := AppendUnescaped([]byte("prefix"), []byte(s))
		require.Equal(t, jsonErr == nil, ok, "AppendUnescaped accepted")
		if ok {
			require.Equal(t, "prefix"+want, string(got))
		}

		end, esc, st := Scan(lit, 0)
		whole := st == OK && end == len(lit)
		require.Equal(t, jsonErr == nil, whole, "Scan found the whole literal (status %d, end %d)", st, end)
		if !whole {
			return
		}
		require.Equal(t, strings.Contains(s, `\`), esc, "escapes")
		for n := 0; n < len(lit); n++ {
			_, _, st := Scan(lit[:n], 0)
			require.Equal(t, Short, st, "prefix of %d bytes", n)
		}
	})
}

// TestScanStatuses pins Scan's three answers on small cases.
func TestScanStatuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		end  int
		esc  bool
		want Status
	}{
		{`"abc" tail`, 5, false, OK},
		{`"a\nb"`, 6, true, OK},
		{`"a\u00e9"`, 9, true, OK},
		{`"abcdefghijklmnop"`, 18, false, OK},
		{`x"abc"`, 0, false, Bad},
		{`"a\qb"`, 0, false, Bad},
		{"\"a\x01b\"", 0, false, Bad},
		{`"a\u00g9"`, 0, false, Bad},
		{``, 0, false, Short},
		{`"abc`, 0, false, Short},
		{`"abc\`, 0, false, Short},
		{`"a\u00`, 0, false, Short},
		{`"abcdefghijklmnopqrstuvwxyz`, 0, false, Short},
	} {
		end, esc, st := Scan([]byte(tc.in), 0)
		require.Equal(t, tc.want, st, "%q", tc.in)
		if st == OK {
			require.Equal(t, tc.end, end, "%q", tc.in)
			require.Equal(t, tc.esc, esc, "%q", tc.in)
		}
	}
}

// TestMask checks the eight-byte test against the byte-wise one: its lowest
// flagged byte is the first '"', '\\' or control character, for every byte
// value in every position after bytes of every kind, and for random words.
func TestMask(t *testing.T) {
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
		m := Mask(binary.LittleEndian.Uint64(b[:]))
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
