package capture_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// streamAll collects what ForEachReader hands over, with Source cleared so
// that pairs from a file and from a stream compare equal.
func streamAll(t *testing.T, r io.Reader) ([]contract.Pair, error) {
	t.Helper()
	var got []contract.Pair
	err := capture.ForEachReader(r, "<stdin>", func(p *contract.Pair) error {
		assert.Equal(t, "<stdin>", p.Source)
		p.Source = ""
		got = append(got, *p)
		return nil
	})
	return got, err
}

// TestForEachReaderSameAsFile: a stream read a byte at a time gives the
// pairs the file gives, for both formats, and for a cassette the fast
// reader gives up on halfway (so the stream is read again from its start).
func TestForEachReaderSameAsFile(t *testing.T) {
	t.Parallel()
	withComment, err := os.ReadFile("testdata/cassettes/violations.yaml")
	require.NoError(t, err)
	i := bytes.LastIndex(withComment, []byte("\n- "))
	withComment = append(withComment[:i+1:i+1], append([]byte("# a comment\n"), withComment[i+1:]...)...)
	commented := t.TempDir() + "/commented.yaml"
	require.NoError(t, os.WriteFile(commented, withComment, 0o600))

	for _, file := range []string{"testdata/har/valid.har", "testdata/har/violations.har", "testdata/cassettes/valid.yaml", "testdata/cassettes/violations.yaml", commented} {
		want, err := capture.LoadFile(file)
		require.NoError(t, err)
		require.NotEmpty(t, want)
		for i := range want {
			want[i].Source = ""
		}
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		got, err := streamAll(t, iotest.OneByteReader(bytes.NewReader(data)))
		require.NoError(t, err, file)
		assert.Equal(t, want, got, file)
	}
}

// TestForEachReaderDoesNotWait: the first pair is handed over while the
// input is still open.
func TestForEachReaderDoesNotWait(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/cassettes/valid.yaml")
	require.NoError(t, err)
	// Up to the end of the line that starts the second interaction.
	items := bytes.Split(data, []byte("\n- "))
	require.Greater(t, len(items), 2)
	cut := len(items[0]) + len(items[1]) + 2*len("\n- ")
	cut += bytes.IndexByte(data[cut:], '\n') + 1
	pr, pw := io.Pipe()
	first := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- capture.ForEachReader(pr, "<stdin>", func(*contract.Pair) error {
			select {
			case first <- struct{}{}:
			default:
			}
			return nil
		})
	}()
	_, err = pw.Write(data[:cut]) // the first interaction and the start of the second
	require.NoError(t, err)
	select {
	case <-first:
	case <-time.After(10 * time.Second): // a hang guard only
		t.Fatal("no pair handed over before the input ended")
	}
	_, err = pw.Write(data[cut:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	require.NoError(t, <-done)
}

func TestForEachReaderRefuses(t *testing.T) {
	t.Parallel()
	_, err := streamAll(t, bytes.NewReader(make([]byte, 1<<20)))
	require.Error(t, err)
	assert.Equal(t, "capture: <stdin>: byte 0 is NUL: not a HAR file or a cassette", err.Error())
	for _, head := range []string{"version: 2\n", `{"log": {"entries": [`} {
		_, err = streamAll(t, io.MultiReader(strings.NewReader(head), bytes.NewReader(make([]byte, 1<<20))))
		require.Error(t, err)
		assert.Contains(t, err.Error(), fmt.Sprintf("byte %d is NUL", len(head)))
		assert.Equal(t, 1, strings.Count(err.Error(), "capture:"), err.Error())
	}

	_, err = streamAll(t, strings.NewReader(`{"log": {"entries": [}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "<stdin>")

	_, err = streamAll(t, strings.NewReader("   \n"))
	require.ErrorIs(t, err, capture.ErrNotPairFile)
}
