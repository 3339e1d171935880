package capture

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// MaxFileSize bounds the size of one HAR file or cassette a loader reads, so
// that a stray multi-gigabyte capture fails with a clear error instead of
// exhausting memory.
const MaxFileSize = 256 << 20

// MaxBodySize bounds one body after decompression, so that a gzip bomb in a
// recording fails with a clear error.
const MaxBodySize = 32 << 20

// ErrUnsupportedFile is returned (wrapped) for a file whose extension is
// neither .har, .yaml nor .yml.
var ErrUnsupportedFile = errors.New("unsupported file type (want .har, .yaml or .yml)")

// ErrNotPairFile is returned (wrapped) for a well-formed JSON or YAML file
// that is not a HAR file or a cassette at all (no "log", or no "version" and
// "interactions"). Directory walks skip such files, since recordings often
// sit beside other YAML; a file named explicitly is still an error.
var ErrNotPairFile = errors.New("not a HAR file or go-vcr cassette")

// IsPairFile reports whether name has an extension the loaders understand:
// .har for HAR files, .yaml or .yml for go-vcr cassettes (any letter case).
func IsPairFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".har", ".yaml", ".yml":
		return true
	}
	return false
}

// LoadFile loads the pairs of one file, choosing the loader by extension:
// .har for [LoadHAR], .yaml and .yml for [LoadCassette]. Pairs carry the path
// as their Source.
func LoadFile(path string) ([]contract.Pair, error) {
	ext := strings.ToLower(filepath.Ext(path))
	var load func(io.Reader, string) ([]contract.Pair, error)
	switch ext {
	case ".har":
		load = LoadHAR
	case ".yaml", ".yml":
		load = LoadCassette
	default:
		return nil, fmt.Errorf("contract: %s: %w", path, ErrUnsupportedFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("contract: %s: is a directory", path)
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("contract: %s: file is %d bytes, more than the %d-byte limit", path, info.Size(), MaxFileSize)
	}
	return load(f, path)
}

// WalkFiles calls fn for every file under root that [IsPairFile] accepts, in
// lexical order, descending into directories. A root that is itself a file is
// passed to fn whatever its extension, with explicit set, so that [LoadFile]
// can say what is wrong with it. Walking stops at the first error, from the
// file system or from fn.
func WalkFiles(root string, fn func(path string, explicit bool) error) error {
	info, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("contract: %w", err)
	}
	if !info.IsDir() {
		return fn(root, true)
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("contract: %w", err)
		}
		if d.IsDir() || !IsPairFile(path) {
			return nil
		}
		return fn(path, false)
	})
}

// LoadPath loads every pair from a HAR file, a cassette, or a directory
// searched recursively for both (in lexical order; files there that are not
// recordings at all, see [ErrNotPairFile], are skipped). Errors name the file
// and what is wrong with it.
func LoadPath(path string) ([]contract.Pair, error) {
	var pairs []contract.Pair
	err := WalkFiles(path, func(file string, explicit bool) error {
		p, err := LoadFile(file)
		if !explicit && errors.Is(err, ErrNotPairFile) {
			return nil
		}
		if err != nil {
			return err
		}
		pairs = append(pairs, p...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pairs, nil
}

// readAllLimited reads r up to MaxFileSize and fails beyond it.
func readAllLimited(r io.Reader, source string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: more than the %d-byte limit", source, MaxFileSize)
	}
	return data, nil
}

// decodeBody undoes a Content-Encoding the headers declare (gzip, deflate)
// when the bytes really are encoded. Recorders often keep the header while
// storing the decoded text (HAR exporters always decode), so bytes that do
// not carry the encoding's magic are returned as they are. When it decodes,
// it drops Content-Encoding and Content-Length from h so that the pair stays
// consistent, as net/http's transport does.
func decodeBody(h http.Header, body []byte) ([]byte, error) {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	var r io.ReadCloser
	var err error
	switch {
	case enc == "gzip" || enc == "x-gzip":
		if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
			return body, nil
		}
		r, err = gzip.NewReader(bytes.NewReader(body))
	case enc == "deflate":
		if len(body) < 2 || body[0]&0x0f != 8 || (uint16(body[0])<<8|uint16(body[1]))%31 != 0 {
			return body, nil
		}
		r, err = zlib.NewReader(bytes.NewReader(body))
	default:
		return body, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s body: %w", enc, err)
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, MaxBodySize+1))
	if err != nil {
		return nil, fmt.Errorf("%s body: %w", enc, err)
	}
	if len(out) > MaxBodySize {
		return nil, fmt.Errorf("%s body: more than %d bytes once decompressed", enc, MaxBodySize)
	}
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return out, nil
}

// lineCol turns a byte offset into 1-based line and column numbers.
func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
