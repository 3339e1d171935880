package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// isPairFile reports whether name has an extension the loaders understand:
// .har for HAR files, .yaml or .yml for go-vcr cassettes (any letter case).
func isPairFile(name string) bool {
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

// WalkFilesSkipping calls fn for every file under root with a pair-file
// extension (.har, .yaml, .yml, any letter case), in lexical order,
// descending into directories. A root that is itself a file is passed to fn
// whatever its extension, with explicit set, so that [LoadFile] can say
// what is wrong with it. Files in a directory that are not regular (a named
// pipe, a socket, a device, or a symbolic link to one) are passed over
// without being opened, and skip (which may be nil) is called with the path
// and the reason, so that the caller can report it. Walking stops at the
// first error, from the file system or from fn.
func WalkFilesSkipping(root string, fn func(path string, explicit bool) error, skip func(path, reason string)) error {
	if skip == nil {
		skip = func(string, string) {}
	}
	return walk(root, fn, skip)
}

// walk is WalkFilesSkipping; with skip nil, files that are not regular are
// passed to fn too (LoadPath then refuses them by name).
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
		if d.IsDir() || !isPairFile(path) {
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
// recordings at all, see [ErrNotPairFile], are skipped; files that are not
// regular are refused by name, see [ErrNotRegularFile]). Errors name the
// file and what is wrong with it.
func LoadPath(path string) ([]contract.Pair, error) {
	var pairs []contract.Pair
	err := walk(path, func(file string, explicit bool) error {
		p, err := LoadFile(file)
		if !explicit && errors.Is(err, ErrNotPairFile) {
			return nil
		}
		if err != nil {
			return err
		}
		pairs = append(pairs, p...)
		return nil
	}, nil)
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
