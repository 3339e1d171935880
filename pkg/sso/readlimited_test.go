package sso

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadLimited covers the body reader: the declared length sizes the
// buffer but is never trusted, the limit holds for any length, and a read
// error keeps what was read.
func TestReadLimited(t *testing.T) {
	t.Parallel()
	const limit = 64
	body := strings.Repeat("x", 40)
	atLimit := strings.Repeat("y", limit)
	boom := errors.New("connection reset")
	for _, tc := range []struct {
		name          string
		r             io.Reader
		contentLength int64
		want          string
		wantErr       error
	}{
		{"declared length", strings.NewReader(body), 40, body, nil},
		{"unknown length", strings.NewReader(body), -1, body, nil},
		{"declared shorter than the body", strings.NewReader(body), 3, body, nil},
		{"declared longer than the body", strings.NewReader(body), 60, body, nil},
		{"empty", strings.NewReader(""), 0, "", nil},
		{"one byte per read", iotest.OneByteReader(strings.NewReader(body)), -1, body, nil},
		{"data and EOF together", iotest.DataErrReader(strings.NewReader(body)), 40, body, nil},
		{"exactly the limit", strings.NewReader(atLimit), limit, atLimit, nil},
		{"exactly the limit, unknown length", strings.NewReader(atLimit), -1, atLimit, nil},
		{"declared over the limit", strings.NewReader(atLimit + "z"), limit + 1, "", ErrResponseTooLarge},
		{"over the limit, unknown length", strings.NewReader(atLimit + "z"), -1, "", ErrResponseTooLarge},
		{"over the limit, declared short", strings.NewReader(atLimit + "z"), 10, "", ErrResponseTooLarge},
		{"a read error keeps what came before it", io.MultiReader(strings.NewReader(body), iotest.ErrReader(boom)), 50, body, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := readLimited(tc.r, tc.contentLength, limit)
			if tc.wantErr != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, string(got))
		})
	}
}

// FuzzReadLimited checks readLimited's contract for any body, declared
// length and limit: a body within the limit comes back whole, whatever
// length was declared (a declared length over the limit is refused
// outright); a longer one is refused with ErrResponseTooLarge; it never
// returns more than the limit.
func FuzzReadLimited(f *testing.F) {
	f.Add([]byte(`{"status_code":200}`), int64(19), int64(64), false)
	f.Add([]byte(`{"status_code":200}`), int64(-1), int64(19), true)
	f.Add([]byte("0123456789"), int64(3), int64(9), false)
	f.Add([]byte(""), int64(0), int64(1), true)
	f.Fuzz(func(t *testing.T, body []byte, contentLength, limit int64, oneByte bool) {
		if limit <= 0 || limit > 1<<16 || contentLength < -1 {
			t.Skip()
		}
		var r io.Reader = bytes.NewReader(body)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		got, err := readLimited(r, contentLength, limit)
		switch {
		case contentLength > limit || int64(len(body)) > limit:
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("readLimited(%d bytes, declared %d, limit %d) = %d bytes, %v; want ErrResponseTooLarge", len(body), contentLength, limit, len(got), err)
			}
			if got != nil {
				t.Fatalf("readLimited returned %d bytes with ErrResponseTooLarge", len(got))
			}
		default:
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("readLimited(%d bytes, declared %d, limit %d) = %d bytes, %v; want the body whole", len(body), contentLength, limit, len(got), err)
			}
		}
	})
}
