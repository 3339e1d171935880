package sso

import (
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
