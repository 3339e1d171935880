package fast

import (
	"io"
	"strings"
	"testing"

	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/har"
)

// stepReader returns at most step bytes a read.
type stepReader struct {
	r    io.Reader
	step int
}

func (s *stepReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), s.step)]) }

// runScanner streams doc through a 1 KiB window, counting the entries
// handed over; the pairs themselves are held to encoding/json's by the
// differential tests in package capture.
func runScanner(t *testing.T, doc string, step int) (*harScanner, int) {
	t.Helper()
	s := newHARScanner(&stepReader{strings.NewReader(doc), step}, nil, 1024)
	n := 0
	if _, err := s.run(func(int, int, *har.Entry) error { n++; return nil }); err != nil {
		t.Fatalf("not read to the end: %v", err)
	}
	return s, n
}

// TestHARStreamsLongEntries: an entry far longer than the window is read
// whole, and in linear time: the window doubles, so the bytes looked at
// while finding entries' ends (rescans after each refill included) stay
// within a small multiple of the document, for one long entry and for many
// short ones.
func TestHARStreamsLongEntries(t *testing.T) {
	t.Parallel()
	entry := func(text string) string {
		return `{"request":{"method":"PUT","url":"https://a.test/x"},"response":{"status":200,"content":{"text":"` + text + `","mimeType":"application/json"}}}`
	}
	long := `{"log":{"entries":[` + entry(`[`+strings.Repeat(`{\"k\":\"v\\n\"},`, 100000)+`{}]`) + `]}}`
	many := `{"log":{"entries":[` + strings.Repeat(entry(`{}`)+",", 20000) + entry(`{}`) + `]}}`
	for name, tc := range map[string]struct {
		doc     string
		entries int
	}{"one long entry": {long, 1}, "many short entries": {many, 20001}} {
		s, n := runScanner(t, tc.doc, 4096)
		if n != tc.entries {
			t.Errorf("%s: %d entries handed over, want %d", name, n, tc.entries)
		}
		if s.scanned > 4*len(tc.doc) {
			t.Errorf("%s: %d bytes looked at for a %d-byte document", name, s.scanned, len(tc.doc))
		}
	}
}

// TestHARWindowBounded streams documents through a 1 KiB window with reads
// of 1 byte to 4 KiB: many entries, a megabyte of blanks between two
// entries, many small members before "entries" keep the window at a couple
// of KiB; a 100 KB entry grows it only to a small multiple of that entry.
func TestHARWindowBounded(t *testing.T) {
	t.Parallel()
	entry := func(text string) string {
		return `{"request":{"method":"GET","url":"https://a.test/"},"response":{"status":200,"content":{"text":"` + text + `"}}}`
	}
	e, long := entry(strings.Repeat("x", 100)), entry(strings.Repeat("y", 100000))
	for _, tc := range []struct {
		name    string
		doc     string
		entries int
		maxCap  int
	}{
		{"many entries", `{"log":{"entries":[` + strings.Repeat(e+",", 3000) + e + `]}}`, 3001, 4 << 10},
		{"blanks", `{"log":{"entries":[` + e + strings.Repeat(" ", 1<<20) + `,` + e + `]}}`, 2, 4 << 10},
		{"many members", `{"log":{` + strings.Repeat(`"k":[1,2,3],`, 50000) + `"entries":[` + e + `]}}`, 1, 4 << 10},
		{"one long entry", `{"log":{"entries":[` + e + `,` + long + `,` + strings.Repeat(e+",", 1000) + e + `]}}`, 1003, 4 * len(long)},
	} {
		for _, step := range []int{1, 100, 4096} {
			s, n := runScanner(t, tc.doc, step)
			if n != tc.entries {
				t.Errorf("%s (reads of %d): %d entries, want %d", tc.name, step, n, tc.entries)
			}
			if cap(s.buf) > tc.maxCap {
				t.Errorf("%s (reads of %d): window of %d bytes", tc.name, step, cap(s.buf))
			}
			if s.scanned > 4*len(tc.doc) {
				t.Errorf("%s (reads of %d): %d bytes looked at", tc.name, step, s.scanned)
			}
		}
	}
}

// TestHARHandsOverOnlyConfirmedEntries: an entry is handed over only once
// what follows it (a comma or the end of the array) is read.
func TestHARHandsOverOnlyConfirmedEntries(t *testing.T) {
	t.Parallel()
	e := `{"request":{"method":"GET","url":"u"},"response":{"status":200}}`
	for doc, want := range map[string]int{
		`{"log":{"entries":[` + e:                 0,
		`{"log":{"entries":[` + e + ` x`:          0,
		`{"log":{"entries":[` + e + `,` + e:       1,
		`{"log":{"entries":[` + e + `,` + e + `]`: 2,
	} {
		n := 0
		next, done, err := HAR(nil, []byte(doc), 0, func(int, int, *har.Entry) error { n++; return nil })
		if err != nil || done || n != want || next != want {
			t.Errorf("%s: %d handed over, next %d, done %v, err %v; want %d", doc, n, next, done, err, want)
		}
	}
}
