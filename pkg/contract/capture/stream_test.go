package capture_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
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
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		streamSameAsFile(t, file, iotest.OneByteReader(bytes.NewReader(data)))
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
	// Were the first pair held back until the input ends, this would hang.
	testutil.Await(t, "the first pair, before the input ended", first)
	_, err = pw.Write(data[cut:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	require.NoError(t, testutil.Await(t, "ForEachReader to return", done))
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

// TestForEachReaderCassetteInFlowStyle: a cassette written as JSON or as a
// YAML flow mapping starts with "{" like a HAR file, and go-vcr loads it
// (YAML reads both): a stream gives the pairs its file gives, and a stream
// that is neither a HAR file nor a cassette keeps the HAR reader's error.
func TestForEachReaderCassetteInFlowStyle(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"json": `{"version": 2, "interactions": [{"request": {"method": "PUT", "url": "https://x.test/a", "body": "{\"a\": 1}",` +
			` "headers": {"Content-Type": ["application/json"]}}, "response": {"code": 404, "body": "{}"}}]}`,
		"flow":     "{version: 2, interactions: [{request: {method: PUT, url: 'https://x.test/a'}, response: {code: 201}}]}\n",
		"bom json": "\ufeff\n" + `{"interactions": [{"request": {"method": "GET", "url": "u"}, "response": {"code": 200}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			streamSameAsFile(t, tempFile(t, "c.yaml", []byte(doc)), iotest.OneByteReader(strings.NewReader(doc)))
		})
	}
	for _, doc := range []string{`{"other": 1}`, `{"log": {"entries": [}}`, "{a: [1, 2]}\n"} {
		_, harErr := capture.LoadHAR(strings.NewReader(doc), "<stdin>")
		require.Error(t, harErr, doc)
		_, err := streamAll(t, strings.NewReader(doc))
		require.Error(t, err, doc)
		assert.Equal(t, harErr.Error(), err.Error(), doc)
	}
}

// TestForEachReaderByteOrderMarkInPieces: a byte order mark that arrives
// over several reads is still passed over when the format is told: a HAR
// file with one is read as a HAR file, as its path would be.
func TestForEachReaderByteOrderMarkInPieces(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/har/violations.har")
	require.NoError(t, err)
	file := tempFile(t, "bom.har", append([]byte("\ufeff"), data...))
	streamSameAsFile(t, file, iotest.OneByteReader(io.MultiReader(strings.NewReader("\ufeff"), bytes.NewReader(data))))
}

// TestForEachReaderLastReadWithEOF: a reader may return its last bytes
// together with io.EOF; the format is told from them all the same.
func TestForEachReaderLastReadWithEOF(t *testing.T) {
	t.Parallel()
	doc := `{"log": {"entries": [{"request": {"method": "GET", "url": "https://x.test/"}, "response": {"status": 204}}]}}`
	streamSameAsFile(t, tempFile(t, "eof.har", []byte(doc)), iotest.DataErrReader(strings.NewReader(doc)))
}

// tempFile writes data to a file of that name in a temporary directory.
func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	file := t.TempDir() + "/" + name
	require.NoError(t, os.WriteFile(file, data, 0o600))
	return file
}

// streamSameAsFile requires that ForEachReader hands over from r the pairs
// (at least one) that LoadFile reads from file.
func streamSameAsFile(t *testing.T, file string, r io.Reader) {
	t.Helper()
	want, err := capture.LoadFile(file)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	for i := range want {
		want[i].Source = ""
	}
	got, err := streamAll(t, r)
	require.NoError(t, err, file)
	assert.Equal(t, want, got, file)
}

// TestForEachReaderNULInItsOwnRead: a NUL byte that arrives in a read of
// its own, after a whole cassette or HAR file or between two halves of a
// cassette, refuses the stream as the YAML library and encoding/json refuse
// the file: it is not dropped, nor the rest read without it.
func TestForEachReaderNULInItsOwnRead(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/cassettes/valid.yaml")
	require.NoError(t, err)
	half := bytes.Index(data, []byte("\n- ")) + 1
	har, err := os.ReadFile("testdata/har/valid.har")
	require.NoError(t, err)
	for name, r := range map[string]io.Reader{
		"after":     io.MultiReader(bytes.NewReader(data), strings.NewReader("# \x00\n")),
		"between":   io.MultiReader(bytes.NewReader(data[:half]), strings.NewReader("\x00"), bytes.NewReader(data[half:])),
		"after HAR": io.MultiReader(bytes.NewReader(har), strings.NewReader("\n\x00")),
	} {
		_, err := streamAll(t, r)
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), "is NUL", name)
		}
	}
}
