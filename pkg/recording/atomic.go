package recording

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes data to path so that readers see either the old
// file or the complete new one, never a part: it writes a temporary file in
// the same directory, syncs it, renames it over path and syncs the directory.
// On error the old file, if any, is left as it was and the temporary file is
// removed. Missing directories are created.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return writeFileAtomic(path, data, perm, nil)
}

// writeFileAtomic is WriteFileAtomic with the data write replaceable, so
// tests can fail it halfway.
func writeFileAtomic(path string, data []byte, perm os.FileMode, write func(io.Writer, []byte) error) (err error) {
	if write == nil {
		write = func(w io.Writer, p []byte) error {
			_, err := w.Write(p)
			return err
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("recording: create directory for %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("recording: write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := write(f, data); err != nil {
		return fmt.Errorf("recording: write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("recording: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("recording: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("recording: close %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("recording: rename into %s: %w", path, err)
	}
	// Make the rename itself durable; not every platform can sync a
	// directory, and the file is complete either way.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

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
	return writeFileAtomic(name, data, 0o644, fs.write)
}

func (fs *diskFS) IsFileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
