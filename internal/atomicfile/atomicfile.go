// Package atomicfile writes files so that a reader sees the old content or
// the complete new one, never a part, and never writes through a path that
// is not a regular file (a device, a FIFO, a directory, a symbolic link).
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stytchsso/stytchsso/internal/fileinfo"
)

// Write writes data to path so that readers see either the old file or the
// complete new one, never a part: it writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory. On
// error the old file, if any, is left as it was and the temporary file is
// removed. Missing directories are created. A path that exists and is not a
// regular file is refused ([CheckTarget]): renaming over /dev/null would
// replace the device.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteWith(path, data, perm, nil)
}

// WriteWith is [Write] with the data write replaceable (nil: a plain
// write), so that tests can fail it halfway.
func WriteWith(path string, data []byte, perm os.FileMode, write func(io.Writer, []byte) error) (err error) {
	if err := CheckTarget(path); err != nil {
		return err
	}
	if write == nil {
		write = func(w io.Writer, p []byte) error {
			_, err := w.Write(p)
			return err
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := write(f, data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	// Make the rename itself durable; not every platform can sync a
	// directory, and the file is complete either way.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// CheckTarget accepts a path that does not exist yet or names a regular
// file, and says what else it names otherwise.
func CheckTarget(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file (%s); give a regular file or a new path", path, fileinfo.Kind(fi.Mode()))
	}
	return nil
}
