package capture

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/fast"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/har"
)

// A HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/) is
// read as a stream: the loader walks {"log": {"entries": [...]}} token by
// token and decodes one entry at a time, so that it knows where each entry
// starts (for Pair.Line) and never holds more than one decoded entry. Fields
// that exporters add (_initiator, timings, cookies, ...) are ignored.

// bodyText returns a HAR body's text as bytes the pair may keep, and
// whether there was one: text as the fast reader decoded it, else a copy of
// the Text encoding/json decoded.
func bodyText(text *string, decoded []byte) ([]byte, bool) {
	switch {
	case decoded != nil:
		return decoded, true
	case text != nil:
		return []byte(*text), true
	}
	return nil, false
}

// LoadHAR reads a HAR 1.2 file (as exported by browsers, mitmproxy, Charles
// or Proxyman) and returns one [contract.Pair] per entry that got a response, in file
// order. Each pair's Index is its entry's position in log.entries, so
// reports point at the right entry even when some are skipped, and Line is
// the line where the entry starts; entries without a response (status 0, as
// Chrome records blocked or failed requests) are skipped. Base64 bodies are
// decoded, gzip and deflate bodies decompressed, HTTP/2 pseudo-headers
// (":authority", ...) dropped, and a Content-Type header is supplied from the
// body's mimeType when missing. A body the export says was sent but did not
// keep (content.size > 0 without content.text, as Chrome writes; a request
// bodySize > 0 without postData.text) marks the pair's ResponseBodyMissing or
// RequestBodyMissing. A leading UTF-8 byte order mark is allowed.
//
// source names the file in errors and in each pair's Source. Errors name the
// entry and its line.
func LoadHAR(r io.Reader, source string) ([]contract.Pair, error) {
	data, err := readAllLimited(r, source)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	pairs := []contract.Pair{}
	err = eachHAR(data, source, newBudget(MaxDecodedBytesPerFile), func(p *contract.Pair) error {
		pairs = append(pairs, *p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pairs, nil
}

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
	// next: see decodeValue.
	depth int
}

// maxDepth is how deep encoding/json lets a document nest.
const maxDepth = 10000

// decodeValue decodes the next value into v. The stream decoder counts
// nesting from the start of each value it decodes, json.Unmarshal from the
// top of the document: so the value is read raw and judged as encoding/json
// would judge it inside the levels open around it, then decoded.
func (d *harDoc) decodeValue(v any) error {
	off := d.dec.InputOffset()
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return d.syntax(err, off)
	}
	if nested(raw, d.depth) > maxDepth {
		_, line := d.where()
		return d.fail("line %d: nested more than %d levels deep", line, maxDepth)
	}
	if v == nil {
		return nil
	}
	err := json.Unmarshal(raw, v)
	var typ *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typ) {
		return d.fail("%w", err)
	}
	return err // a type error, for the caller to locate
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

// skip1 decodes and discards one value.
func (d *harDoc) skip1() error { return d.decodeValue(nil) }

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

// eachHAR calls fn with the pair of every entry of a HAR document that got
// a response: by the fast reader, and where that stops, by the reference
// reader from the entry it stopped at.
func eachHAR(data []byte, source string, b *budget, fn func(*contract.Pair) error) error {
	next, done, err := fast.HAR(nil, data, 0, harHandOver(source, b, fn))
	if done || err != nil {
		return err
	}
	return slowHAR(data, source, b, fn, next)
}

// harHandOver makes the pair of an entry, whichever reader read it, and
// hands it to fn (entries without a response are passed over).
func harHandOver(source string, b *budget, fn func(*contract.Pair) error) func(index, line int, e *har.Entry) error {
	return func(index, line int, e *har.Entry) error {
		p, ok, err := harPair(e, source, index, b)
		if err != nil {
			return fmt.Errorf("capture: %s: entry %d (line %d): %w", source, index, line, err)
		}
		if !ok {
			return nil
		}
		p.Line = line
		return fn(&p)
	}
}

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
		var e har.Entry
		if err := d.decodeValue(&e); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				tl, tc := lineCol(d.data, start+typ.Offset)
				return d.fail("entry %d (line %d): line %d, column %d: %w", i, line, tl, tc, err)
			}
			return err
		}
		if err := handOver(i, line, &e); err != nil {
			return err
		}
	}
	_, err = d.token() // ']'
	return err
}

func harPair(e *har.Entry, source string, index int, b *budget) (contract.Pair, bool, error) {
	if e.Request == nil {
		return contract.Pair{}, false, errors.New("no request")
	}
	if e.Response == nil || e.Response.Status == 0 {
		return contract.Pair{}, false, nil
	}
	if e.Response.Status < 0 {
		return contract.Pair{}, false, fmt.Errorf("response status %d is not an HTTP status", e.Response.Status)
	}
	if e.Request.Method == "" {
		return contract.Pair{}, false, errors.New("request has no method")
	}
	if e.Request.URL == "" {
		return contract.Pair{}, false, errors.New("request has no url")
	}
	p := contract.Pair{
		Method:     strings.ToUpper(e.Request.Method),
		URL:        e.Request.URL,
		StatusCode: int(e.Response.Status),
		Source:     source,
		Index:      index,
	}
	var err error
	if p.RequestHeader, err = harHeaders(e.Request.Headers, b); err != nil {
		return contract.Pair{}, false, fmt.Errorf("request headers: %w", err)
	}
	if p.ResponseHeader, err = harHeaders(e.Response.Headers, b); err != nil {
		return contract.Pair{}, false, fmt.Errorf("response headers: %w", err)
	}
	pd := e.Request.PostData
	var text []byte
	var ok bool
	if pd != nil {
		text, ok = bodyText(pd.Text, pd.Decoded)
	}
	if ok {
		if p.RequestBody, err = harText(text, pd.Encoding); err != nil {
			return contract.Pair{}, false, fmt.Errorf("request postData: %w", err)
		}
		setContentType(p.RequestHeader, pd.MimeType, p.RequestBody)
	} else if bool(e.Request.BodySize) {
		p.RequestBodyMissing = true
	}
	if p.RequestBody, err = decodeBody(p.RequestHeader, p.RequestBody, b); err != nil {
		return contract.Pair{}, false, fmt.Errorf("request: %w", err)
	}
	if c := e.Response.Content; c != nil {
		if text, ok := bodyText(c.Text, c.Decoded); ok {
			if p.ResponseBody, err = harText(text, c.Encoding); err != nil {
				return contract.Pair{}, false, fmt.Errorf("response content: %w", err)
			}
			setContentType(p.ResponseHeader, c.MimeType, p.ResponseBody)
		} else if bool(c.Size) {
			p.ResponseBodyMissing = true
		}
	}
	if p.ResponseBody, err = decodeBody(p.ResponseHeader, p.ResponseBody, b); err != nil {
		return contract.Pair{}, false, fmt.Errorf("response: %w", err)
	}
	return p, true, nil
}

// harHeaders builds the pair's header as http.Header.Add would, its
// values sharing one backing array (each key's slice capped, so that an
// append to one copies rather than overwrites the next).
func harHeaders(hs []har.Header, b *budget) (http.Header, error) {
	h := make(http.Header, len(hs))
	vals := make([]string, 0, len(hs))
	for _, kv := range hs {
		if kv.Name == "" || strings.HasPrefix(kv.Name, ":") {
			continue
		}
		if err := b.take(headerCost(kv.Name, kv.Value)); err != nil {
			return nil, err
		}
		key := textproto.CanonicalMIMEHeaderKey(kv.Name)
		if v, ok := h[key]; ok {
			h[key] = append(v, kv.Value)
			continue
		}
		vals = append(vals, kv.Value)
		h[key] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	return h, nil
}

// harText decodes a body's text (which the caller hands over: it may be
// returned as it is) as its encoding says.
func harText(text []byte, encoding string) ([]byte, error) {
	if len(text) == 0 {
		return nil, nil
	}
	if strings.EqualFold(encoding, "base64") {
		// Room for either decoding (unpadded text decodes to more than
		// DecodedLen allows for padded text of the same length).
		b := make([]byte, base64.RawStdEncoding.DecodedLen(len(text)))
		n, err := base64.StdEncoding.Decode(b, text)
		if err != nil {
			// Some exporters drop the padding.
			raw := bytes.TrimRight(text, "=")
			if n2, err2 := base64.RawStdEncoding.Decode(b, raw); err2 == nil {
				return b[:n2], nil
			}
			return nil, fmt.Errorf("text is not valid base64: %w", err)
		}
		return b[:n], nil
	}
	return text, nil
}

// setContentType fills in Content-Type from a HAR mimeType when the headers
// lack one and there is a body.
func setContentType(h http.Header, mimeType string, body []byte) {
	if len(body) == 0 || mimeType == "" || h.Get("Content-Type") != "" {
		return
	}
	h.Set("Content-Type", mimeType)
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

// callerError marks an error returned by the caller's fn.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

// forEachHARFile streams a HAR file: by the fast path, and where that
// stops, by encoding/json from the entry it stopped at; on an error in the
// file it reads the file again as a whole, for an error that says where the
// problem is.
func forEachHARFile(f io.ReadSeeker, path string, fn func(*contract.Pair) error) error {
	return forEachHARChunked(f, fast.HARChunk, path, fn)
}

// forEachHARChunked is forEachHARFile with the fast path reading chunk
// bytes at a time (tests make it small).
func forEachHARChunked(f io.ReadSeeker, chunk int, path string, fn func(*contract.Pair) error) error {
	b := newBudget(MaxDecodedBytesPerFile)
	wrapped := func(p *contract.Pair) error {
		if err := fn(p); err != nil {
			return callerError{err}
		}
		return nil
	}
	next, done, err := fast.HAR(io.LimitReader(f, MaxFileBytes), nil, chunk, harHandOver(path, b, wrapped))
	if !done && err == nil {
		if _, serr := f.Seek(0, io.SeekStart); serr != nil {
			return fmt.Errorf("capture: %s: %w", path, serr)
		}
		err = streamHAR(io.LimitReader(f, MaxFileBytes), path, b, wrapped, next)
	}
	if err == nil {
		return nil
	}
	var ce callerError
	if errors.As(err, &ce) {
		return ce.err
	}
	if _, serr := f.Seek(0, io.SeekStart); serr != nil {
		return err
	}
	data, rerr := readAllLimited(f, path)
	if rerr != nil {
		return fmt.Errorf("capture: %w", rerr)
	}
	if lerr := eachHAR(data, path, newBudget(MaxDecodedBytesPerFile), func(*contract.Pair) error { return nil }); lerr != nil {
		return lerr
	}
	return err
}
