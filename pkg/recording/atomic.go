package recording

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/stytchsso/stytchsso/internal/atomicfile"
)

// ErrSecretInOutput is returned when a registered secret would still appear
// in a file about to be written; nothing is written then.
var ErrSecretInOutput = errors.New("a registered secret would appear in the recording")

// diskFS is go-vcr's cassette.FS with atomic writes and a last check that no
// registered secret reaches disk.
type diskFS struct {
	redactor *Redactor
	write    func(io.Writer, []byte) error // nil: plain write; tests inject faults
}

func (fs *diskFS) ReadFile(name string) ([]byte, error) {
	return os.ReadFile(name)
}

func (fs *diskFS) WriteFile(name string, data []byte) error {
	if fs.redactor != nil && fs.redactor.Leaks(data) {
		return fmt.Errorf("recording: refusing to write %s: %w", name, ErrSecretInOutput)
	}
	return atomicfile.WriteWith(name, data, 0o644, fs.write)
}

func (fs *diskFS) IsFileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
