package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// ForEachReader calls fn with every pair of one capture read from r
// (standard input, a pipe), as [ForEach] does for a file, while it is read:
// it does not wait for the end of the input nor hold it in memory. The
// format is told by content: a HAR file starts with "{" (after blanks and a
// byte order mark), anything else is read as a go-vcr cassette; so is an
// input starting with "{" that is not a HAR file but a cassette written as
// JSON or as a YAML flow mapping, which go-vcr loads. source
// names the input in errors and in each pair's Source (for example
// "<stdin>").
//
// The input is copied, as it is read, to a temporary file (removed on
// return), so that a reader that must start a file again from its
// beginning can; so at most [MaxFileBytes] are read. A NUL byte, which
// neither format allows, stops the reading at once.
func ForEachReader(r io.Reader, source string, fn func(*contract.Pair) error) error {
	tmp, err := os.CreateTemp("", "capture-stream-*")
	if err != nil {
		return fmt.Errorf("capture: %s: %w", source, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	s := &spool{in: r, copy: tmp}
	head, err := s.firstByte()
	if err != nil {
		return fmt.Errorf("capture: %s: %w", source, err)
	}
	if head == '{' {
		return forEachBraced(s, source, fn)
	}
	return forEachCassetteFile(s, source, fn)
}

// forEachBraced reads a stream that starts with "{": a HAR file, or a
// cassette in JSON or flow style. It is read as a HAR file; when that fails
// before any pair was handed over and the input is a cassette's YAML, it
// is read again as a cassette, as its path (a .yaml file) would be.
// Otherwise the HAR reader's error stands.
func forEachBraced(s *spool, source string, fn func(*contract.Pair) error) error {
	handed := false
	err := forEachHARFile(s, source, func(p *contract.Pair) error {
		handed = true
		return fn(p)
	})
	if err == nil || handed {
		return err
	}
	if _, serr := s.Seek(0, io.SeekStart); serr != nil {
		return err
	}
	data, rerr := readAllLimited(s, source)
	// A cassette without "interactions" has no pair to read, and a large
	// HAR file that is not one is not parsed again as YAML.
	if rerr != nil || !bytes.Contains(data, []byte("interactions")) {
		return err
	}
	if _, cerr := cassetteRoot(data); cerr != nil {
		return err
	}
	return forEachCassetteFile(bytes.NewReader(data), source, fn)
}

// spool reads its input, copying what it reads to a file, so that it can
// be read again from the start: Seek(0, io.SeekStart) copies the rest of
// the input to the file and reads from the file from then on. It fails
// once more than MaxFileBytes have been read, or at a NUL byte.
type spool struct {
	in      io.Reader
	head    []byte // read by firstByte, not yet by Read
	copy    *os.File
	n       int64
	rewound bool
	err     error // the error that stopped the reading, for every later read
}

func (s *spool) Read(p []byte) (int, error) {
	if s.rewound {
		return s.copy.Read(p)
	}
	if len(s.head) > 0 {
		n := copy(p, s.head)
		s.head = s.head[n:]
		return n, nil
	}
	return s.readIn(p)
}

// readIn reads from the input, checks and copies what it read. Once it
// has refused the input, it refuses every later read the same way (what
// it refused is not in the copy, so a reader starting again must not
// read the rest without it).
func (s *spool) readIn(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.in.Read(p)
	if i := bytes.IndexByte(p[:n], 0); i >= 0 {
		s.err = fmt.Errorf("byte %d is NUL: not a HAR file or a cassette", s.n+int64(i))
		return 0, s.err
	}
	s.n += int64(n)
	if s.n > MaxFileBytes {
		s.err = fmt.Errorf("more than the %d-byte limit", MaxFileBytes)
		return 0, s.err
	}
	if _, werr := s.copy.Write(p[:n]); werr != nil {
		s.err = werr
		return 0, werr
	}
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// firstByte reads until the first byte after blanks and a byte order mark
// and returns it (0 for an input of blanks), keeping what it read for Read.
func (s *spool) firstByte() (byte, error) {
	buf := make([]byte, 512)
	for {
		rest := bytes.TrimLeft(bytes.TrimPrefix(s.head, utf8BOM), " \t\r\n")
		// A byte order mark may arrive over several reads.
		partBOM := len(s.head) < len(utf8BOM) && bytes.HasPrefix(utf8BOM, s.head)
		if len(rest) > 0 && !partBOM {
			return rest[0], nil
		}
		n, err := s.readIn(buf)
		s.head = append(s.head, buf[:n]...)
		if err == io.EOF {
			if rest = bytes.TrimLeft(bytes.TrimPrefix(s.head, utf8BOM), " \t\r\n"); len(rest) > 0 {
				return rest[0], nil
			}
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// Seek supports only Seek(0, io.SeekStart).
func (s *spool) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekStart {
		return 0, errors.New("a stream can only be read again from its start")
	}
	if !s.rewound {
		buf := make([]byte, 64<<10)
		for {
			_, err := s.readIn(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				return 0, err
			}
		}
		s.rewound = true
	}
	return s.copy.Seek(0, io.SeekStart)
}
