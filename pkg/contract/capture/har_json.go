package capture

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/har"
)

// The reference HAR reader. A HAR 1.2 document
// (http://www.softwareishard.com/blog/har-12-spec/) is read with
// encoding/json as a stream: the reader walks {"log": {"entries": [...]}}
// token by token and decodes one entry at a time into har.Entry, so that it
// knows where each entry starts (for Pair.Line) and never holds more than
// one decoded entry. It judges the document as json.Unmarshal would
// (nesting counted from the top included); what a HAR file means is what
// this reader makes of it. Fields that exporters add (_initiator, timings,
// cookies, ...) are ignored.

// harDoc walks the token stream of one HAR document.
type harDoc struct {
	data   []byte // the whole file, for line numbers
	base   int    // offset of the JSON text in data (after a BOM)
	dec    *json.Decoder
	source string
	stream *lineReader // when reading a stream rather than data
	// lineOff and line are the last offset where() counted lines up to and
	// the line there, so that counting stays linear over the file.
	lineOff int64
	line    int
	// skip is how many entries to read without handing them over (the
	// fast path did).
	skip int
	// depth is how many objects and arrays are open around the value read
	// next: see rawValue.
	depth int
}

// maxDepth is how deep encoding/json lets a document nest.
const maxDepth = 10000

// rawValue reads the next value raw. The stream decoder counts nesting
// from the start of each value it decodes, json.Unmarshal from the top of
// the document: so the value is judged as encoding/json would judge it
// inside the levels open around it.
func (d *harDoc) rawValue() (json.RawMessage, error) {
	off := d.dec.InputOffset()
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return nil, d.syntax(err, off)
	}
	if nested(raw, d.depth) > maxDepth {
		_, line := d.where()
		return nil, d.fail("line %d: nested more than %d levels deep", line, maxDepth)
	}
	return raw, nil
}

// nested is how deep raw (one valid JSON value) nests, counting the levels
// open around it.
func nested(raw []byte, around int) int {
	deepest, depth, inString := around, around, false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

func (d *harDoc) fail(format string, args ...any) error {
	return fmt.Errorf("capture: %s: "+format, append([]any{d.source}, args...)...)
}

// syntax turns a decoder error into one located in the file. The stream
// decoder's syntax-error offsets are not positions in the file, so the file
// is checked again as a whole to find where it breaks.
func (d *harDoc) syntax(err error, valueStart int64) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		line, col := lineCol(d.data, int64(d.base)+valueStart+typ.Offset)
		return d.fail("line %d, column %d: %w", line, col, err)
	}
	if errAll := json.Unmarshal(d.data[d.base:], new(json.RawMessage)); errAll != nil {
		return d.fail("%w", jsonError(d.data[d.base:], errAll))
	}
	return d.fail("%w", err)
}

func (d *harDoc) token() (json.Token, error) {
	off := d.dec.InputOffset()
	t, err := d.dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, d.syntax(err, off)
	}
	return t, nil
}

// skip1 reads and discards one value.
func (d *harDoc) skip1() error {
	_, err := d.rawValue()
	return err
}

// where gives the offset and line of the value starting after the
// decoder's position (skipping blanks and a separating comma). Lines are
// counted from the previous call, so calls must move forward.
func (d *harDoc) where() (int64, int) {
	if d.stream != nil {
		return d.stream.where(d.dec.InputOffset())
	}
	off := int64(d.base) + d.dec.InputOffset()
	for off < int64(len(d.data)) {
		switch d.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	if off < d.lineOff {
		d.lineOff, d.line = 0, 1
	}
	if d.line == 0 {
		d.line = 1
	}
	d.line += bytes.Count(d.data[d.lineOff:off], []byte{'\n'})
	d.lineOff = off
	return off, d.line
}

// object reads the members of an object whose '{' is the next token,
// calling member for the keys named in want (matched as encoding/json does,
// ignoring case) and skipping the others. A wanted key given twice is an
// error: JSON decoders disagree on which one counts.
func (d *harDoc) object(what string, want []string, member func(key string) error) error {
	seen := make([]bool, len(want))
	for d.dec.More() {
		t, err := d.token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		i := slices.IndexFunc(want, func(w string) bool { return strings.EqualFold(w, key) })
		if i < 0 {
			if err := d.skip1(); err != nil {
				return err
			}
			continue
		}
		if seen[i] {
			_, line := d.where()
			return d.fail("line %d: %s: duplicate key %q", line, what, want[i])
		}
		seen[i] = true
		if err := member(want[i]); err != nil {
			return err
		}
	}
	_, err := d.token() // '}'
	return err
}

// open reads the next token, which must open a value of the given kind
// ('{' or '['); null gives ok false.
func (d *harDoc) open(kind json.Delim, what string) (ok bool, err error) {
	off, _ := d.where()
	line, col := lineCol(d.data, off)
	t, err := d.token()
	if err != nil {
		return false, err
	}
	switch t := t.(type) {
	case nil:
		return false, nil
	case json.Delim:
		if t == kind {
			return true, nil
		}
	}
	want := "an object"
	if kind == '[' {
		want = "an array"
	}
	return false, d.fail("line %d, column %d: %s is not %s", line, col, what, want)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// slowHAR is eachHAR by encoding/json alone, not handing over the entries
// before skip (the fast path did).
func slowHAR(data []byte, source string, b *budget, fn func(*contract.Pair) error, skip int) error {
	d := &harDoc{data: data, source: source, skip: skip}
	if bytes.HasPrefix(data, utf8BOM) {
		d.base = len(utf8BOM)
	}
	d.dec = json.NewDecoder(bytes.NewReader(data[d.base:]))
	return d.run(b, fn)
}

// streamHAR is slowHAR reading from r as it goes, holding about one entry
// at a time rather than the whole file. Its errors are not located in the
// file (it does not keep the file): on an error, the caller reads the file
// again with eachHAR, which finds the same error and says where it is.
func streamHAR(r io.Reader, source string, b *budget, fn func(*contract.Pair) error, skip int) error {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	lr := &lineReader{r: br, line: 1}
	d := &harDoc{source: source, stream: lr, dec: json.NewDecoder(lr), skip: skip}
	return d.run(b, fn)
}

// lineReader passes reads through, keeping the bytes read since the last
// call to where, so that the line of a position can be counted without
// holding the whole input.
type lineReader struct {
	r     io.Reader
	buf   []byte // the input from offset start on, as far as read
	start int64
	line  int    // the line at offset start
	ahead []byte // read by where, not yet passed on by Read
	err   error  // the error that ended a read by where
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.ahead) > 0 {
		n := copy(p, l.ahead)
		l.ahead = l.ahead[n:]
		return n, nil
	}
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.buf = append(l.buf, p[:n]...)
	return n, err
}

// where skips blanks and separators from off (at or after the last call's
// offset), reading ahead as far as needed, and returns the offset and line
// of what follows, forgetting the input before it.
func (l *lineReader) where(off int64) (int64, int) {
	i := max(off-l.start, 0)
	for {
		for i < int64(len(l.buf)) && isBlankOrSeparator(l.buf[i]) {
			i++
		}
		if i < int64(len(l.buf)) || l.err != nil {
			break
		}
		var more [512]byte
		n, err := l.r.Read(more[:])
		l.buf = append(l.buf, more[:n]...)
		l.ahead = append(l.ahead, more[:n]...)
		l.err = err
	}
	i = min(i, int64(len(l.buf)))
	l.line += bytes.Count(l.buf[:i], []byte{'\n'})
	n := copy(l.buf, l.buf[i:])
	l.buf = l.buf[:n]
	l.start += i
	return l.start, l.line
}

func isBlankOrSeparator(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ':'
}

// run walks the document, calling fn for each pair.
func (d *harDoc) run(b *budget, fn func(*contract.Pair) error) error {
	hasLog := false
	ok, err := d.open('{', "the top level")
	if err != nil {
		return err
	}
	d.depth = 1
	if ok {
		err = d.object("top level", []string{"log"}, func(string) error {
			ok, err := d.open('{', `"log"`)
			if err != nil || !ok {
				return err
			}
			hasLog = true
			d.depth = 2
			return d.object(`"log"`, []string{"entries"}, func(string) error {
				return d.entries(b, fn)
			})
		})
		if err != nil {
			return err
		}
	}
	if !hasLog {
		return d.fail("%w: no \"log\" object at the top level", ErrNotPairFile)
	}
	if _, err := d.dec.Token(); err != io.EOF {
		off, _ := d.where()
		line, col := lineCol(d.data, off)
		return d.fail("line %d, column %d: data after the HAR document", line, col)
	}
	return nil
}

func (d *harDoc) entries(b *budget, fn func(*contract.Pair) error) error {
	handOver := harHandOver(d.source, b, fn)
	ok, err := d.open('[', `"entries"`)
	if err != nil || !ok {
		return err
	}
	d.depth = 3
	defer func() { d.depth = 2 }()
	for i := 0; d.dec.More(); i++ {
		start, line := d.where()
		if i < d.skip {
			if err := d.skip1(); err != nil {
				return err
			}
			continue
		}
		raw, err := d.rawValue()
		if err != nil {
			return err
		}
		// An error decoding the entry (a type error, or a field's own: a
		// status that is no integer) is located in the entry.
		var e har.Entry
		if err := json.Unmarshal(raw, &e); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				tl, tc := lineCol(d.data, start+typ.Offset)
				return d.fail("entry %d (line %d): line %d, column %d: %w", i, line, tl, tc, err)
			}
			return d.fail("entry %d (line %d): %w", i, line, err)
		}
		if err := handOver(i, line, &e); err != nil {
			return err
		}
	}
	_, err = d.token() // ']'
	return err
}

// jsonError adds line and column to encoding/json errors, which only carry
// a byte offset. Its messages never quote values beyond one character.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// Offset counts the bytes read, the bad one included.
		line, col := lineCol(data, syn.Offset-1)
		if syn.Offset >= int64(len(data)) {
			return fmt.Errorf("line %d, column %d: truncated JSON: %w", line, col, err)
		}
		return fmt.Errorf("line %d, column %d: %w", line, col, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		line, col := lineCol(data, typ.Offset)
		return fmt.Errorf("line %d, column %d: %w", line, col, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated JSON: %w", err)
	}
	return err
}
