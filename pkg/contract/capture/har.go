package capture

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// harFile is the part of a HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/)
// the loader needs. Fields that exporters add (_initiator, timings, cookies,
// ...) are ignored.
type harFile struct {
	Log *struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	Request  *harRequest  `json:"request"`
	Response *harResponse `json:"response"`
}

type harRequest struct {
	Method   string       `json:"method"`
	URL      string       `json:"url"`
	Headers  []harHeader  `json:"headers"`
	PostData *harPostData `json:"postData"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	// Encoding is not in HAR 1.2, but Charles and Proxyman write "base64"
	// here for binary request bodies.
	Encoding string `json:"encoding"`
}

type harResponse struct {
	Status  harStatus   `json:"status"`
	Headers []harHeader `json:"headers"`
	Content *harContent `json:"content"`
}

type harContent struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"encoding"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// harStatus accepts a status written as a number (the spec) or as a string
// (some exporters).
type harStatus int

func (s *harStatus) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*s = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		b = []byte(strings.TrimSpace(str))
		if len(b) == 0 {
			*s = 0
			return nil
		}
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return errors.New("response status is not an integer")
	}
	*s = harStatus(n)
	return nil
}

// LoadHAR reads a HAR 1.2 file (as exported by browsers, mitmproxy, Charles
// or Proxyman) and returns one [contract.Pair] per entry that got a response, in file
// order. Each pair's Index is its entry's position in log.entries, so
// reports point at the right entry even when some are skipped; entries
// without a response (status 0, as Chrome records blocked or failed
// requests) are skipped. Base64 bodies are decoded, gzip and deflate bodies
// decompressed, HTTP/2 pseudo-headers (":authority", ...) dropped, and a
// Content-Type header is supplied from the body's mimeType when missing.
//
// source names the file in errors and in each pair's Source.
func LoadHAR(r io.Reader, source string) ([]contract.Pair, error) {
	data, err := readAllLimited(r, source)
	if err != nil {
		return nil, fmt.Errorf("har: %w", err)
	}
	var f harFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("har: %s: %w", source, jsonError(data, err))
	}
	if f.Log == nil {
		return nil, fmt.Errorf("har: %s: %w: no \"log\" object at the top level", source, ErrNotPairFile)
	}
	pairs := make([]contract.Pair, 0, len(f.Log.Entries))
	for i, e := range f.Log.Entries {
		p, ok, err := harPair(e, source, i)
		if err != nil {
			return nil, fmt.Errorf("har: %s: entry %d: %w", source, i, err)
		}
		if ok {
			pairs = append(pairs, p)
		}
	}
	return pairs, nil
}

func harPair(e harEntry, source string, index int) (contract.Pair, bool, error) {
	if e.Request == nil {
		return contract.Pair{}, false, errors.New("no request")
	}
	if e.Response == nil || e.Response.Status <= 0 {
		return contract.Pair{}, false, nil
	}
	if e.Request.Method == "" {
		return contract.Pair{}, false, errors.New("request has no method")
	}
	if e.Request.URL == "" {
		return contract.Pair{}, false, errors.New("request has no url")
	}
	p := contract.Pair{
		Method:         strings.ToUpper(e.Request.Method),
		URL:            e.Request.URL,
		RequestHeader:  harHeaders(e.Request.Headers),
		StatusCode:     int(e.Response.Status),
		ResponseHeader: harHeaders(e.Response.Headers),
		Source:         source,
		Index:          index,
	}
	var err error
	if pd := e.Request.PostData; pd != nil {
		if p.RequestBody, err = harText(pd.Text, pd.Encoding); err != nil {
			return contract.Pair{}, false, fmt.Errorf("request postData: %w", err)
		}
		setContentType(p.RequestHeader, pd.MimeType, p.RequestBody)
	}
	if p.RequestBody, err = decodeBody(p.RequestHeader, p.RequestBody); err != nil {
		return contract.Pair{}, false, fmt.Errorf("request: %w", err)
	}
	if c := e.Response.Content; c != nil {
		if p.ResponseBody, err = harText(c.Text, c.Encoding); err != nil {
			return contract.Pair{}, false, fmt.Errorf("response content: %w", err)
		}
		setContentType(p.ResponseHeader, c.MimeType, p.ResponseBody)
	}
	if p.ResponseBody, err = decodeBody(p.ResponseHeader, p.ResponseBody); err != nil {
		return contract.Pair{}, false, fmt.Errorf("response: %w", err)
	}
	return p, true, nil
}

func harHeaders(hs []harHeader) http.Header {
	h := make(http.Header, len(hs))
	for _, kv := range hs {
		if kv.Name == "" || strings.HasPrefix(kv.Name, ":") {
			continue
		}
		h.Add(kv.Name, kv.Value)
	}
	return h
}

func harText(text, encoding string) ([]byte, error) {
	if text == "" {
		return nil, nil
	}
	if strings.EqualFold(encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			// Some exporters drop the padding.
			if b2, err2 := base64.RawStdEncoding.DecodeString(strings.TrimRight(text, "=")); err2 == nil {
				return b2, nil
			}
			return nil, fmt.Errorf("text is not valid base64: %w", err)
		}
		return b, nil
	}
	return []byte(text), nil
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
