package fast

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/stytchsso/stytchsso/internal/jsonstr"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/har"
)

// The fast HAR reader. encoding/json's stream decoder reads every entry
// twice (once to find where it ends, once to decode it) through a
// byte-at-a-time state machine and reflection; on a corpus of HAR files that
// was most of the CLI's time. HAR walks the document itself: it finds each
// entry's end with a validating skip that passes eight bytes at a time over
// string contents, then decodes the few fields a pair needs straight from
// the bytes. Whatever it is not sure of, it hands back:
//
//   - An entry it cannot decode exactly as encoding/json would (a key that
//     is escaped, not ASCII or given twice; a value of an unexpected type)
//     is decoded by json.Unmarshal from the same bytes.
//   - Anything else out of the ordinary (a syntax error, nesting deeper than
//     encoding/json allows, a document that is not {"log": {"entries":
//     [...]}} in plain form) makes it stop at the entry it was reading; the
//     reference reader then reads the document again, skipping the entries
//     already handed over, and says what is wrong and where.

// errStop says the fast reader stopped; see HAR.
var errStop = errors.New("har: left the fast reader")

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// maxSkipDepth is encoding/json's nesting limit: deeper documents are left
// to it, for its error.
const maxSkipDepth = 10000

// harScanner holds the input: all of it (r nil), or a window of a stream
// that it refills.
type harScanner struct {
	r   io.Reader
	buf []byte // the input from the window's start, as far as read
	pos int    // read position in buf
	eof bool
	// err is the read error other than io.EOF that ended the input: the
	// document is then left to the encoding/json path, which meets the
	// error again and reports it.
	err error
	// line is the line number at buf[lineAt], counted as entries start.
	line, lineAt int
	// chunk is the least a refill makes room for.
	chunk int
	// scanned counts the bytes value looked at, rescans included.
	scanned int
	key     []byte // the key members last read
	// depth is how many objects and arrays are open around the values
	// read next (encoding/json limits nesting over the whole document).
	depth int
	dec   entryDecoder
}

// HARChunk is how much HAR reads from a stream at a time.
const HARChunk = 64 << 10

// HAR reads a HAR document from r chunk bytes at a time, or from data
// when r is nil, and calls fn with each entry it is sure of, in order:
// its index in log.entries, the line where it starts and the entry, valid
// until fn returns. done says it read the whole document; otherwise next is
// the index of the first entry it did not hand over, and the reference
// reader must go on from there. err is only ever fn's.
func HAR(r io.Reader, data []byte, chunk int, fn func(index, line int, e *har.Entry) error) (next int, done bool, err error) {
	next, err = newHARScanner(r, data, chunk).run(fn)
	if errors.Is(err, errStop) {
		return next, false, nil
	}
	return next, err == nil, err
}

func newHARScanner(r io.Reader, data []byte, chunk int) *harScanner {
	s := &harScanner{r: r, buf: data, line: 1, chunk: chunk}
	if r != nil {
		s.buf = make([]byte, 0, chunk)
	}
	return s
}

func (s *harScanner) run(fn func(index, line int, e *har.Entry) error) (next int, err error) {
	if s.starts(utf8BOM) {
		s.pos += len(utf8BOM)
	}
	if !s.byte('{') {
		return 0, errStop
	}
	s.depth = 1
	hasLog := false
	err = s.members(func(key []byte) (bool, error) {
		if !fold(key, "log") {
			return false, nil
		}
		if hasLog || !s.byte('{') {
			return true, errStop
		}
		hasLog = true
		s.depth = 2
		defer func() { s.depth = 1 }()
		hasEntries := false
		return true, s.members(func(key []byte) (bool, error) {
			if !fold(key, "entries") {
				return false, nil
			}
			if hasEntries || !s.byte('[') {
				return true, errStop
			}
			hasEntries = true
			s.depth = 3
			defer func() { s.depth = 2 }()
			return true, s.entries(fn, &next)
		})
	})
	if err != nil {
		return next, err
	}
	if s.ws(); !hasLog || s.pos < len(s.buf) || s.err != nil {
		return next, errStop // the reference reader says what is wrong
	}
	return next, nil
}

// fill reads more of the stream into the window: it first drops what has
// been read, when that is most of the window, then doubles the window when
// less than a chunk of it is free, and reads until the window is full. A
// value being looked for is thus rescanned only as often as the window
// doubles, which keeps rescanning linear overall. It reports whether it
// read anything.
func (s *harScanner) fill() bool {
	if s.r == nil || s.eof {
		return false
	}
	if s.pos > 0 && (s.pos == len(s.buf) || s.pos > cap(s.buf)/2) {
		s.line += bytes.Count(s.buf[s.lineAt:s.pos], []byte{'\n'})
		n := copy(s.buf, s.buf[s.pos:])
		s.buf, s.pos, s.lineAt = s.buf[:n], 0, 0
	}
	if cap(s.buf)-len(s.buf) < s.chunk {
		grown := make([]byte, len(s.buf), max(len(s.buf)+s.chunk, 2*cap(s.buf)))
		copy(grown, s.buf)
		s.buf = grown
	}
	before := len(s.buf)
	for len(s.buf) < cap(s.buf) {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
			break
		}
	}
	return len(s.buf) > before
}

// ws skips blanks, refilling as needed.
func (s *harScanner) ws() {
	for {
		for s.pos < len(s.buf) {
			switch s.buf[s.pos] {
			case ' ', '\t', '\r', '\n':
				s.pos++
				continue
			}
			return
		}
		if !s.fill() {
			return
		}
	}
}

// starts reports whether the input at pos starts with p (refilling).
func (s *harScanner) starts(p []byte) bool {
	for len(s.buf)-s.pos < len(p) {
		if !s.fill() {
			break
		}
	}
	return bytes.HasPrefix(s.buf[s.pos:], p)
}

// byte skips blanks and then c, reporting whether c was there.
func (s *harScanner) byte(c byte) bool {
	if s.ws(); s.pos < len(s.buf) && s.buf[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// value returns the extent of the next value (after blanks), refilling the
// window until it holds the whole value; ok is false when the input is not
// one valid JSON value there.
func (s *harScanner) value() (start, end int, ok bool) {
	s.ws()
	for {
		end, st := skipValue(s.buf, s.pos, s.depth)
		switch st {
		case jsonstr.OK:
			s.scanned += end - s.pos
			start = s.pos
			s.pos = end
			return start, end, true
		case jsonstr.Short:
			s.scanned += len(s.buf) - s.pos
			if s.fill() {
				continue
			}
		}
		return 0, 0, false
	}
}

// members walks the members of an object whose '{' has been read: member
// is called for each plain ASCII key (valid until the next key is read)
// and reports whether it consumed the value; the values of the others are
// skipped. A key with escapes or
// beyond ASCII falls back (encoding/json folds such keys in its own way).
func (s *harScanner) members(member func(key []byte) (bool, error)) error {
	if s.byte('}') {
		return nil
	}
	for {
		start, end, ok := s.value()
		if !ok || s.buf[start] != '"' {
			return errStop
		}
		// Copied: reading on may refill the window and move its bytes.
		s.key = append(s.key[:0], s.buf[start+1:end-1]...)
		if !plainASCII(s.key) {
			return errStop
		}
		if !s.byte(':') {
			return errStop
		}
		used, err := member(s.key)
		if err != nil {
			return err
		}
		if !used {
			if _, _, ok := s.value(); !ok {
				return errStop
			}
		}
		if s.byte('}') {
			return nil
		}
		if !s.byte(',') {
			return errStop
		}
	}
}

// entries walks the entries array (its '[' read), keeping *next at the
// index of the first entry not yet handed over.
func (s *harScanner) entries(fn func(index, line int, e *har.Entry) error, next *int) error {
	if s.byte(']') {
		return nil
	}
	var e har.Entry
	for i := 0; ; i++ {
		e = har.Entry{}
		if !s.entry(&e) {
			return errStop
		}
		line := s.line // the entry's; reading on may count further
		// The entry is handed over only once its end is confirmed by what
		// follows it: a comma or the end of the array.
		last := s.byte(']')
		if !last && !s.byte(',') {
			return errStop
		}
		if err := fn(i, line, &e); err != nil {
			return err
		}
		*next = i + 1
		if last {
			return nil
		}
	}
}

// entry decodes the next entry into e, refilling the window until it holds
// the whole entry, and counts the lines up to its start. The entry is read
// once: decodeEntry checks what it consumes, so only when it fails does
// skipValue say whether the window was short (refill and decode again),
// the entry out of the ordinary (json.Unmarshal decodes it) or not JSON.
func (s *harScanner) entry(e *har.Entry) bool {
	s.ws()
	s.line += bytes.Count(s.buf[s.lineAt:s.pos], []byte{'\n'})
	s.lineAt = s.pos
	for {
		start := s.pos
		n, ok := s.dec.entry(s.buf[start:], s.depth, e)
		if ok {
			s.scanned += n
			s.pos += n
			break
		}
		*e = har.Entry{}
		end, st := skipValue(s.buf, start, s.depth)
		if st == jsonstr.Short {
			s.scanned += len(s.buf) - start
			if s.fill() {
				continue
			}
		}
		if st != jsonstr.OK || json.Unmarshal(s.buf[start:end], e) != nil {
			return false
		}
		s.scanned += end - start
		s.pos = end
		break
	}
	return true
}

// plainASCII reports whether a string literal's contents are printable
// ASCII without escapes.
func plainASCII(raw []byte) bool {
	for _, c := range raw {
		if c < 0x20 || c >= utf8.RuneSelf || c == '\\' {
			return false
		}
	}
	return true
}

// skipValue returns the end of the JSON value starting at data[i] (no
// leading blanks), checking it as encoding/json would: Short when data
// ends inside it, Bad when it is not valid JSON or nests deeper than
// encoding/json allows, counting the depth levels open around it.
func skipValue(data []byte, i, depth int) (int, jsonstr.Status) {
	var stack []byte // '{' or '[' per open level
	var inline [32]byte
	stack = inline[:0]
	for {
		// A value.
		if i >= len(data) {
			return 0, jsonstr.Short
		}
		switch c := data[i]; {
		case c == '"':
			end, _, st := jsonstr.Scan(data, i)
			if st != jsonstr.OK {
				return 0, st
			}
			i = end
		case c == '{' || c == '[':
			if depth+len(stack) >= maxSkipDepth {
				return 0, jsonstr.Bad
			}
			stack = append(stack, c)
			i = skipWS(data, i+1)
			if i >= len(data) {
				return 0, jsonstr.Short
			}
			if c == '{' && data[i] == '}' || c == '[' && data[i] == ']' {
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				var st jsonstr.Status
				if i, st = skipKey(data, i); st != jsonstr.OK {
					return 0, st
				}
			}
			continue
		case c == 't':
			if st := literal(data, i, "true"); st != jsonstr.OK {
				return 0, st
			}
			i += 4
		case c == 'f':
			if st := literal(data, i, "false"); st != jsonstr.OK {
				return 0, st
			}
			i += 5
		case c == 'n':
			if st := literal(data, i, "null"); st != jsonstr.OK {
				return 0, st
			}
			i += 4
		case c == '-' || '0' <= c && c <= '9':
			end, st := skipNumber(data, i)
			if st != jsonstr.OK {
				return 0, st
			}
			i = end
		default:
			return 0, jsonstr.Bad
		}
		// After a value: close levels, or go on to the next member.
		for {
			if len(stack) == 0 {
				return i, jsonstr.OK
			}
			i = skipWS(data, i)
			if i >= len(data) {
				return 0, jsonstr.Short
			}
			top := stack[len(stack)-1]
			switch c := data[i]; {
			case c == ',':
				i = skipWS(data, i+1)
				if top == '{' {
					var st jsonstr.Status
					if i, st = skipKey(data, i); st != jsonstr.OK {
						return 0, st
					}
				}
			case top == '{' && c == '}' || top == '[' && c == ']':
				stack = stack[:len(stack)-1]
				i++
				continue
			default:
				return 0, jsonstr.Bad
			}
			break
		}
	}
}

// skipKey skips a member's key and colon and the blanks after them.
func skipKey(data []byte, i int) (int, jsonstr.Status) {
	end, _, st := jsonstr.Scan(data, i)
	if st != jsonstr.OK {
		return 0, st
	}
	i = skipWS(data, end)
	if i >= len(data) {
		return 0, jsonstr.Short
	}
	if data[i] != ':' {
		return 0, jsonstr.Bad
	}
	i = skipWS(data, i+1)
	if i >= len(data) {
		return 0, jsonstr.Short
	}
	return i, jsonstr.OK
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
			continue
		}
		break
	}
	return i
}

// literal checks for the literal lit at data[i].
func literal(data []byte, i int, lit string) jsonstr.Status {
	n := min(len(data)-i, len(lit))
	if string(data[i:i+n]) != lit[:n] {
		return jsonstr.Bad
	}
	if n < len(lit) {
		return jsonstr.Short
	}
	return jsonstr.OK
}

// skipNumber returns the end of the number at data[i]. A number that runs
// to the end of data is Short: more digits may follow.
func skipNumber(data []byte, i int) (int, jsonstr.Status) {
	digits := func() (int, bool) {
		n := 0
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
			n++
		}
		return n, i < len(data)
	}
	if data[i] == '-' {
		i++
	}
	if i >= len(data) {
		return 0, jsonstr.Short
	}
	if data[i] == '0' {
		i++
	} else if n, _ := digits(); n == 0 {
		return 0, jsonstr.Bad
	}
	if i < len(data) && data[i] == '.' {
		i++
		if n, more := digits(); !more {
			return 0, jsonstr.Short
		} else if n == 0 {
			return 0, jsonstr.Bad
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if n, more := digits(); !more {
			return 0, jsonstr.Short
		} else if n == 0 {
			return 0, jsonstr.Bad
		}
	}
	if i >= len(data) {
		return 0, jsonstr.Short
	}
	return i, jsonstr.OK
}

// entryDecoder decodes the fields of one entry that a pair needs from the
// entry's bytes (one whole, valid JSON value). Each method reports false
// when it meets what it does not decode exactly as encoding/json would.
// It decodes entries one after the other: what it decodes into is its own
// and reused for the next entry, and raw values alias the input, so an
// entry is for the caller to read before the next is decoded.
type entryDecoder struct {
	data []byte
	pos  int
	// depth is how many objects and arrays are open at pos, counted from
	// the top of the document, as encoding/json counts.
	depth   int
	scratch []byte
	req     har.Request
	resp    har.Response
	post    har.PostData
	cont    har.Content
	// reqH and respH keep the header arrays' storage.
	reqH, respH []har.Header
}

// entry decodes the entry at the start of data, inside depth open objects
// and arrays, into e, as json.Unmarshal would, returning its length, or reports false, leaving e partly set. It
// checks all it reads, so that ok means the entry is whole and valid JSON.
func (d *entryDecoder) entry(data []byte, depth int, e *har.Entry) (n int, ok bool) {
	d.data, d.pos, d.depth = data, 0, depth
	var seen uint8
	ok = d.object(func(key []byte) bool {
		switch {
		case fold(key, "request"):
			return once(&seen, 1) && d.nullOr(func() bool {
				d.req = har.Request{}
				e.Request = &d.req
				return d.request(e.Request)
			})
		case fold(key, "response"):
			return once(&seen, 2) && d.nullOr(func() bool {
				d.resp = har.Response{}
				e.Response = &d.resp
				return d.response(e.Response)
			})
		}
		return d.skip()
	})
	return d.pos, ok
}

func (d *entryDecoder) request(r *har.Request) bool {
	var seen uint8
	return d.object(func(key []byte) bool {
		switch {
		case fold(key, "method"):
			return once(&seen, 1) && d.str(&r.Method)
		case fold(key, "url"):
			return once(&seen, 2) && d.str(&r.URL)
		case fold(key, "headers"):
			return once(&seen, 4) && d.headers(&r.Headers, &d.reqH)
		case fold(key, "postdata"):
			return once(&seen, 8) && d.nullOr(func() bool {
				d.post = har.PostData{}
				r.PostData = &d.post
				return d.postData(r.PostData)
			})
		case fold(key, "bodysize"):
			return once(&seen, 16) && d.size(&r.BodySize)
		}
		return d.skip()
	})
}

func (d *entryDecoder) postData(pd *har.PostData) bool {
	return d.body(&pd.MimeType, &pd.Decoded, &pd.Encoding, nil)
}

func (d *entryDecoder) response(r *har.Response) bool {
	var seen uint8
	return d.object(func(key []byte) bool {
		switch {
		case fold(key, "status"):
			var raw json.RawMessage
			return once(&seen, 1) && d.raw(&raw) && r.Status.UnmarshalJSON(raw) == nil
		case fold(key, "headers"):
			return once(&seen, 2) && d.headers(&r.Headers, &d.respH)
		case fold(key, "content"):
			return once(&seen, 4) && d.nullOr(func() bool {
				d.cont = har.Content{}
				r.Content = &d.cont
				return d.content(r.Content)
			})
		}
		return d.skip()
	})
}

func (d *entryDecoder) content(c *har.Content) bool {
	return d.body(&c.MimeType, &c.Decoded, &c.Encoding, &c.Size)
}

// body decodes the members a postData or content object shares, and the
// size of a content (size nil: a postData, whose size key is not read).
func (d *entryDecoder) body(mimeType *string, text *[]byte, encoding *string, size *har.Size) bool {
	var seen uint8
	return d.object(func(key []byte) bool {
		switch {
		case fold(key, "mimetype"):
			return once(&seen, 1) && d.str(mimeType)
		case fold(key, "text"):
			return once(&seen, 2) && d.text(text)
		case fold(key, "encoding"):
			return once(&seen, 4) && d.str(encoding)
		case size != nil && fold(key, "size"):
			return once(&seen, 8) && d.size(size)
		}
		return d.skip()
	})
}

// headers decodes an array of {name, value} objects into storage from
// *buf (kept there for the next entry); null leaves nil, and a null element
// a zero header, as encoding/json does.
func (d *entryDecoder) headers(hs *[]har.Header, buf *[]har.Header) bool {
	if d.null() {
		*hs = nil
		return true
	}
	if d.pos >= len(d.data) || d.data[d.pos] != '[' {
		return false
	}
	d.pos++
	*hs = (*buf)[:0]
	defer func() { *buf = (*hs)[:0] }()
	if d.ws(); d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return true
	}
	d.depth++
	defer func() { d.depth-- }()
	for {
		d.ws()
		var h har.Header
		var seen uint8
		ok := d.null() || d.object(func(key []byte) bool {
			switch {
			case fold(key, "name"):
				return once(&seen, 1) && d.str(&h.Name)
			case fold(key, "value"):
				return once(&seen, 2) && d.str(&h.Value)
			}
			return d.skip()
		})
		if !ok {
			return false
		}
		*hs = append(*hs, h)
		if done, ok := d.after(']'); done || !ok {
			return ok
		}
	}
}

// after reads what follows an element of an array or object: a comma
// (more to come), or the closing bracket (done); anything else is not ok.
func (d *entryDecoder) after(closing byte) (done, ok bool) {
	if d.ws(); d.pos >= len(d.data) {
		return false, false
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		return false, true
	case closing:
		d.pos++
		return true, true
	}
	return false, false
}

// object walks an object at pos, calling member with each key (plain
// ASCII, else false) with pos at its value, which member must consume.
func (d *entryDecoder) object(member func(key []byte) bool) bool {
	if d.ws(); d.pos >= len(d.data) || d.data[d.pos] != '{' {
		return false
	}
	d.pos++
	if d.ws(); d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return true
	}
	d.depth++
	defer func() { d.depth-- }()
	for {
		d.ws()
		end, esc, st := jsonstr.Scan(d.data, d.pos)
		if st != jsonstr.OK || esc {
			return false
		}
		key := d.data[d.pos+1 : end-1]
		if !plainASCII(key) {
			return false
		}
		d.pos = end
		if d.ws(); d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return false
		}
		d.pos++
		d.ws()
		if !member(key) {
			return false
		}
		if done, ok := d.after('}'); done || !ok {
			return ok
		}
	}
}

func (d *entryDecoder) ws() { d.pos = skipWS(d.data, d.pos) }

// null consumes a null at pos, reporting whether there was one.
func (d *entryDecoder) null() bool {
	if d.ws(); literal(d.data, d.pos, "null") == jsonstr.OK {
		d.pos += 4
		return true
	}
	return false
}

// nullOr consumes a null, or else calls decode.
func (d *entryDecoder) nullOr(decode func() bool) bool {
	return d.null() || decode()
}

// skip consumes any value.
func (d *entryDecoder) skip() bool {
	end, st := skipValue(d.data, d.pos, d.depth)
	if st != jsonstr.OK {
		return false
	}
	d.pos = end
	return true
}

// size decodes any value into a har.Size, as encoding/json would.
func (d *entryDecoder) size(out *har.Size) bool {
	var raw json.RawMessage
	return d.raw(&raw) && out.UnmarshalJSON(raw) == nil
}

// raw sets *out to the bytes of any value (in the input, not a copy).
func (d *entryDecoder) raw(out *json.RawMessage) bool {
	start := d.pos
	if !d.skip() {
		return false
	}
	*out = d.data[start:d.pos:d.pos]
	return true
}

// str decodes a string into *out; null leaves it as it is.
func (d *entryDecoder) str(out *string) bool {
	if d.null() {
		return true
	}
	v, ok := d.stringValue()
	if ok {
		*out = v
	}
	return ok
}

// text decodes a string into new bytes at *out (not nil, even when
// empty); null sets it nil.
func (d *entryDecoder) text(out *[]byte) bool {
	if d.null() {
		*out = nil
		return true
	}
	v, ok := d.appendString(nil)
	if v == nil {
		v = []byte{}
	}
	*out = v
	return ok
}

// stringValue decodes the string at pos as encoding/json does.
func (d *entryDecoder) stringValue() (string, bool) {
	var ok bool
	d.scratch, ok = d.appendString(d.scratch[:0])
	return string(d.scratch), ok
}

// appendString appends the string at pos to dst as encoding/json decodes
// it: escapes resolved and invalid UTF-8 replaced by U+FFFD. dst is grown
// for the string's length up front.
func (d *entryDecoder) appendString(dst []byte) ([]byte, bool) {
	end, esc, st := jsonstr.Scan(d.data, d.pos)
	if st != jsonstr.OK {
		return dst, false
	}
	raw := d.data[d.pos+1 : end-1]
	d.pos = end
	dst = slices.Grow(dst, len(raw))
	if !esc && utf8.Valid(raw) {
		return append(dst, raw...), true
	}
	return jsonstr.AppendUnescaped(dst, raw)
}

// fold reports whether key equals name (lower-case ASCII) ignoring ASCII
// case.
func fold(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}

// once sets bit in *seen, reporting false if it was set already (a key
// given twice, which encoding/json merges or overwrites).
func once(seen *uint8, bit uint8) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}
