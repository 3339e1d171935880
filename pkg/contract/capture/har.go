package capture

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/fast"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/har"
)

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
