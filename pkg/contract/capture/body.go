package capture

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// budget counts down the bytes a file's pairs may still decode to.
type budget struct {
	left, limit int64
}

func newBudget(limit int64) *budget { return &budget{left: limit, limit: limit} }

// take charges n bytes, failing once the file's limit is passed.
func (b *budget) take(n int) error {
	b.left -= int64(n)
	if b.left < 0 {
		return fmt.Errorf("%w: more than %d bytes (MaxDecodedBytesPerFile)", ErrDecodedTooLarge, b.limit)
	}
	return nil
}

// headerCost is what one header value is charged: its name, its value, and
// the string headers that hold them.
func headerCost(name, value string) int { return len(name) + len(value) + 16 }

// readAllLimited reads r up to MaxFileBytes and fails beyond it.
func readAllLimited(r io.Reader, source string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%s: more than the %d-byte limit", source, MaxFileBytes)
	}
	return data, nil
}

// gzipReaders and zlibReaders keep decompressors for reuse: a new one
// allocates its 32 KiB window and tables, which cost more than decoding a
// small API body.
var gzipReaders, zlibReaders sync.Pool

// decodeBody undoes a Content-Encoding the headers declare (gzip, deflate)
// when the bytes really are encoded. Recorders often keep the header while
// storing the decoded text (HAR exporters always decode), so bytes that do
// not carry the encoding's magic are returned as they are. When it decodes,
// it drops Content-Encoding and Content-Length from h so that the pair stays
// consistent, as net/http's transport does.
//
// The body, decoded or not, is charged to b; decompression stops as soon as
// the body passes MaxDecodedBodyBytes or the file passes its budget, so memory stays
// bounded whatever the file holds.
func decodeBody(h http.Header, body []byte, b *budget) ([]byte, error) {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	var r io.ReadCloser
	var err error
	switch {
	case enc == "gzip" || enc == "x-gzip":
		if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
			return body, b.take(len(body))
		}
		zr, _ := gzipReaders.Get().(*gzip.Reader)
		if zr == nil {
			zr = new(gzip.Reader)
		}
		defer gzipReaders.Put(zr)
		r, err = zr, zr.Reset(bytes.NewReader(body))
	case enc == "deflate":
		if len(body) < 2 || body[0]&0x0f != 8 || (uint16(body[0])<<8|uint16(body[1]))%31 != 0 {
			return body, b.take(len(body))
		}
		if zr, _ := zlibReaders.Get().(io.ReadCloser); zr != nil {
			defer zlibReaders.Put(zr)
			r, err = zr, zr.(zlib.Resetter).Reset(bytes.NewReader(body), nil)
		} else if r, err = zlib.NewReader(bytes.NewReader(body)); err == nil {
			defer zlibReaders.Put(r)
		}
	default:
		return body, b.take(len(body))
	}
	if err != nil {
		return nil, fmt.Errorf("%s body: %w", enc, err)
	}
	defer r.Close()
	limit := int64(MaxDecodedBodyBytes)
	if b.left < limit {
		limit = max(b.left, 0)
	}
	out, err := readBody(io.LimitReader(r, limit+1), sizeHint(enc, body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s body: %w", enc, err)
	}
	if len(out) > MaxDecodedBodyBytes {
		return nil, fmt.Errorf("%s body: more than %d bytes once decompressed", enc, MaxDecodedBodyBytes)
	}
	// Charged by capacity: a gzip trailer that overstates the size makes
	// the buffer larger than the body, and the pair keeps the buffer.
	if err := b.take(cap(out)); err != nil {
		return nil, fmt.Errorf("%s body: %w", enc, err)
	}
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return out, nil
}

// sizeHint guesses a decompressed size from a gzip trailer (ISIZE, the size
// modulo 2^32 of the last member), so that the output is allocated once
// rather than grown by doubling; at most limit.
func sizeHint(enc string, body []byte, limit int64) int {
	hint := int64(4 * len(body))
	if enc != "deflate" && len(body) >= 18 {
		n := len(body)
		hint = int64(uint32(body[n-4]) | uint32(body[n-3])<<8 | uint32(body[n-2])<<16 | uint32(body[n-1])<<24)
	}
	// Deflate expands at most about 1032:1, so a larger claim is false.
	hint = min(hint, 1032*int64(len(body)))
	return int(min(max(hint, 512), limit))
}

// readBody reads r to its end into a slice of capacity hint, growing it
// only if the hint was short.
func readBody(r io.Reader, hint int) ([]byte, error) {
	out := make([]byte, 0, hint+1)
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, err := r.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
