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
	"sync"
	"syscall"

	"github.com/stytchsso/stytchsso/internal/fileinfo"
	"github.com/stytchsso/stytchsso/pkg/contract"
)

// MaxFileBytes bounds the size of one HAR file or cassette a loader reads, so
// that a stray multi-gigabyte capture fails with a clear error instead of
// exhausting memory.
const MaxFileBytes = 256 << 20

// MaxDecodedBodyBytes bounds one body after decompression, so that a gzip bomb in a
// recording fails with a clear error.
const MaxDecodedBodyBytes = 32 << 20

// MaxDecodedBytesPerFile bounds what the pairs of one file may hold once
// decoded, all entries together: body bytes after base64 decoding and
// decompression, plus header names and values (each counted with 16 bytes of
// overhead). [MaxDecodedBodyBytes] bounds one body; this bounds the file, so that a
// small file of many gzip bodies (or, in YAML, aliases repeated many times)
// fails with an error naming the file and the entry instead of exhausting
// memory. A file's own text never decodes to more than itself, so a file
// within [MaxFileBytes] and without compressed bodies or aliases never
// reaches it.
const MaxDecodedBytesPerFile = MaxFileBytes

// ErrNotRegularFile is returned (wrapped) by [LoadFile] for a path that is
// not a regular file (a named pipe, a socket, a device): reading one could
// block forever. Such a file is never opened for a blocking read.
var ErrNotRegularFile = errors.New("not a regular file")

// ErrDecodedTooLarge is returned (wrapped) when a file's pairs decode to more
// than [MaxDecodedBytesPerFile] bytes.
var ErrDecodedTooLarge = errors.New("decoded bodies and headers exceed the per-file limit")

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
		return nil, fmt.Errorf("capture: %s: %w", path, ErrUnsupportedFile)
	}
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return load(f, path)
}

// openRegular opens path for reading only if it is a regular file within
// MaxFileBytes. The open itself does not block: a FIFO is opened
// non-blocking, found out by Stat on the open file, and closed.
func openRegular(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	if err := checkRegular(path, info); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	// The file may have been replaced since the first Stat.
	if info, err = f.Stat(); err != nil {
		f.Close()
		return nil, fmt.Errorf("capture: %w", err)
	}
	if err := checkRegular(path, info); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func checkRegular(path string, info fs.FileInfo) error {
	if info.IsDir() {
		return fmt.Errorf("capture: %s: is a directory", path)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("capture: %s: %w (%s), not read", path, ErrNotRegularFile, fileinfo.Kind(info.Mode()))
	}
	if info.Size() > MaxFileBytes {
		return fmt.Errorf("capture: %s: file is %d bytes, more than the %d-byte limit", path, info.Size(), MaxFileBytes)
	}
	return nil
}

// WalkFiles calls fn for every file under root that [IsPairFile] accepts, in
// lexical order, descending into directories. A root that is itself a file is
// passed to fn whatever its extension, with explicit set, so that [LoadFile]
// can say what is wrong with it. Walking stops at the first error, from the
// file system or from fn.
//
// Files that are not regular (a named pipe, a socket, a device, or a
// symbolic link to one) are passed to fn too, so that [LoadFile] refuses
// them by name with [ErrNotRegularFile]; [WalkFilesSkipping] skips them
// instead and says why.
func WalkFiles(root string, fn func(path string, explicit bool) error) error {
	return walk(root, fn, nil)
}

// WalkFilesSkipping is [WalkFiles] that, in a directory walk, passes over
// files with a pair-file extension that are not regular files (a named
// pipe, a socket, a device, or a symbolic link to one) without opening
// them, calling skip with the path and the reason so that the caller can
// report it. A root given explicitly is always passed to fn, so that
// [LoadFile] refuses it by name.
func WalkFilesSkipping(root string, fn func(path string, explicit bool) error, skip func(path, reason string)) error {
	if skip == nil {
		skip = func(string, string) {}
	}
	return walk(root, fn, skip)
}

func walk(root string, fn func(path string, explicit bool) error, skip func(path, reason string)) error {
	info, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	if !info.IsDir() {
		return fn(root, true)
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		if d.IsDir() || !IsPairFile(path) {
			return nil
		}
		if skip != nil && !d.Type().IsRegular() {
			info, err := os.Stat(path) // follows a symbolic link
			switch {
			case err != nil:
				skip(path, err.Error())
				return nil
			case info.IsDir():
				return nil
			case !info.Mode().IsRegular():
				skip(path, fileinfo.Kind(info.Mode())+", not read")
				return nil
			}
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

// ForEach calls fn with every pair of a HAR file, a cassette, or a
// directory searched recursively for both, as [LoadPath] would return them,
// without holding more than one file's parsed form at a time: the caller
// keeps only the pairs it wants. Files that are not regular are skipped in
// a directory walk and reported through skip (which may be nil); a path
// given explicitly that is not a regular file is an error. It stops at the
// first error, from a file or from fn.
func ForEach(path string, fn func(*contract.Pair) error, skip func(path, reason string)) error {
	return WalkFilesSkipping(path, func(file string, explicit bool) error {
		err := forEachFile(file, fn)
		if !explicit && errors.Is(err, ErrNotPairFile) {
			return nil
		}
		return err
	}, skip)
}

func forEachFile(path string, fn func(*contract.Pair) error) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".har" && ext != ".yaml" && ext != ".yml" {
		return fmt.Errorf("capture: %s: %w", path, ErrUnsupportedFile)
	}
	f, err := openRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if ext == ".har" {
		return forEachHARFile(f, path, fn)
	}
	return forEachCassetteFile(f, path, fn)
}

// callerError marks an error returned by the caller's fn.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

// forEachHARFile streams a HAR file: by the fast path, and where that
// stops, by encoding/json from the entry it stopped at; on an error in the
// file it reads the file again as a whole, for an error that says where the
// problem is.
func forEachHARFile(f io.ReadSeeker, path string, fn func(*contract.Pair) error) error {
	return forEachHARChunked(f, harChunk, path, fn)
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
	next, err := fastHAR(io.LimitReader(f, MaxFileBytes), nil, chunk, path, b, wrapped)
	if errors.Is(err, errHARFallback) {
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

// collect adapts a per-pair callback into a slice.
func collect(each func([]byte, string, *budget, func(*contract.Pair) error) error, r io.Reader, source, kind string) ([]contract.Pair, error) {
	data, err := readAllLimited(r, source)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	var pairs []contract.Pair
	err = each(data, source, newBudget(MaxDecodedBytesPerFile), func(p *contract.Pair) error {
		pairs = append(pairs, *p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if pairs == nil {
		pairs = []contract.Pair{}
	}
	return pairs, nil
}

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
