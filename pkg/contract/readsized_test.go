package contract

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadAllSized checks that a size hint, right or wrong, never changes
// what is read: the whole body, and a read error after part of it.
func TestReadAllSized(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("0123456789abcdef"), 300) // 4,800 bytes
	for _, size := range []int64{-1, 0, 1, 100, 4799, 4800, 4801, 1 << 20, MaxTransportBodyBytes + 1} {
		for name, r := range map[string]func() io.Reader{
			"whole":    func() io.Reader { return bytes.NewReader(data) },
			"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
			"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
		} {
			got, err := readAllSized(r(), size)
			require.NoError(t, err, "%s, size %d", name, size)
			assert.Equal(t, data, got, "%s, size %d", name, size)
		}
		boom := errors.New("connection reset")
		got, err := readAllSized(io.MultiReader(bytes.NewReader(data[:1000]), iotest.ErrReader(boom)), size)
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, data[:1000], got)
	}
}
