// Package har is the part of a HAR 1.2 entry
// (http://www.softwareishard.com/blog/har-12-spec/) that package capture
// keeps, as encoding/json decodes it: the reference reader decodes into
// these types, and the fast reader fills them as encoding/json would.
// Fields that exporters add (_initiator, timings, cookies, ...) are not
// kept.
package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Entry is one element of log.entries.
type Entry struct {
	Request  *Request  `json:"request"`
	Response *Response `json:"response"`
}

// Request is an entry's request.
type Request struct {
	Method   string    `json:"method"`
	URL      string    `json:"url"`
	Headers  []Header  `json:"headers"`
	PostData *PostData `json:"postData"`
	BodySize Size      `json:"bodySize"`
}

// PostData is a request's body.
type PostData struct {
	MimeType string  `json:"mimeType"`
	Text     *string `json:"text"`
	// Encoding is not in HAR 1.2, but Charles and Proxyman write "base64"
	// here for binary request bodies.
	Encoding string `json:"encoding"`
	// Decoded is Text as the fast reader decodes it, straight to bytes a
	// pair can keep (non-nil when there is a text, empty or not).
	Decoded []byte `json:"-"`
}

// Response is an entry's response.
type Response struct {
	Status  Status   `json:"status"`
	Headers []Header `json:"headers"`
	Content *Content `json:"content"`
}

// Content is a response's body.
type Content struct {
	MimeType string  `json:"mimeType"`
	Text     *string `json:"text"`
	Encoding string  `json:"encoding"`
	Size     Size    `json:"size"`
	Decoded  []byte  `json:"-"` // as in PostData
}

// Header is one header line.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Size is a size field (bodySize, content.size) read as what matters: a
// number above zero (a body was sent). Exporters write -1, numbers, strings
// or nothing; any JSON value is accepted.
type Size bool

// UnmarshalJSON sets s from any JSON value.
func (s *Size) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	*s = Size(err == nil && f > 0)
	return nil
}

// Status is a response status written as a number (the spec) or as a
// string (some exporters); null or "" is 0 (no response).
type Status int

// UnmarshalJSON sets s from a number or a string holding one.
func (s *Status) UnmarshalJSON(b []byte) error {
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
	*s = Status(n)
	return nil
}
