package recording

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Run is one recording run over a directory of cassettes, all or nothing:
// cassettes are written into a staging directory beside the target, which
// [Run.Commit] swaps in at the end. Until then, and whenever the run fails
// or is interrupted, the target directory is exactly as it was before.
type Run struct {
	dir, staging string
	done         bool
}

// Prefixes of the directories a Run keeps beside its target; both end in
// the owning process ID so that a later run can tell an interrupted run's
// leftovers from a live run's.
const (
	stagingInfix = ".recording-staging-"
	oldInfix     = ".recording-old-"
)

// StartRun begins a run that replaces dir. Write cassettes under
// [Run.Dir]: it starts as a copy of dir's files (so what a run does not
// re-record keeps its previous recording), without temporary files left by
// interrupted writes. Leftovers of interrupted runs of dir (by processes no
// longer running) are removed first; a run interrupted halfway through
// [Run.Commit] is completed or rolled back.
func StartRun(dir string) (*Run, error) {
	dir = filepath.Clean(dir)
	if err := recoverRuns(dir); err != nil {
		return nil, err
	}
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("recording: create %s: %w", parent, err)
	}
	staging, err := os.MkdirTemp(parent, "."+base+stagingInfix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("recording: create staging directory for %s: %w", dir, err)
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		_ = os.RemoveAll(staging)
		return nil, fmt.Errorf("recording: staging directory for %s: %w", dir, err)
	}
	if err := copyTree(dir, staging); err != nil {
		_ = os.RemoveAll(staging)
		return nil, fmt.Errorf("recording: copy %s to staging: %w", dir, err)
	}
	return &Run{dir: dir, staging: staging}, nil
}

// Dir is where this run's cassettes are written.
func (r *Run) Dir() string { return r.staging }

// Target is the directory the run replaces on [Run.Commit].
func (r *Run) Target() string { return r.dir }

// Commit puts the run's directory in place of the target. On error the
// target is left as it was.
func (r *Run) Commit() error {
	if r.done {
		return errors.New("recording: run already committed or aborted")
	}
	r.done = true
	old := r.sibling(oldInfix)
	hadOld := true
	if err := os.Rename(r.dir, old); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			_ = os.RemoveAll(r.staging)
			return fmt.Errorf("recording: move %s aside: %w", r.dir, err)
		}
		hadOld = false
	}
	if err := os.Rename(r.staging, r.dir); err != nil {
		if hadOld {
			_ = os.Rename(old, r.dir)
		}
		_ = os.RemoveAll(r.staging)
		return fmt.Errorf("recording: move the new recordings into %s: %w", r.dir, err)
	}
	syncDir(filepath.Dir(r.dir))
	if hadOld {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("recording: new recordings are in %s; remove the previous ones at %s: %w", r.dir, old, err)
		}
	}
	return nil
}

// Abort drops the run's directory; the target is untouched. Calling it
// after Commit does nothing, so it can be deferred.
func (r *Run) Abort() error {
	if r.done {
		return nil
	}
	r.done = true
	if err := os.RemoveAll(r.staging); err != nil {
		return fmt.Errorf("recording: remove staging directory %s: %w", r.staging, err)
	}
	return nil
}

func (r *Run) sibling(infix string) string {
	parent, base := filepath.Split(r.dir)
	return filepath.Join(parent, "."+base+infix+strconv.Itoa(os.Getpid()))
}

// recoverRuns cleans up after interrupted runs of dir: staging directories
// are removed; a previous directory moved aside is put back if dir is
// missing (the run stopped between the two renames of Commit), removed
// otherwise. Only leftovers of processes no longer running are touched.
func recoverRuns(dir string) error {
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("recording: read %s: %w", parent, err)
	}
	for _, e := range entries {
		name := e.Name()
		for _, infix := range []string{stagingInfix, oldInfix} {
			rest, ok := strings.CutPrefix(name, "."+base+infix)
			if !ok || processAlive(rest) {
				continue
			}
			path := filepath.Join(parent, name)
			if infix == oldInfix {
				if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
					if err := os.Rename(path, dir); err != nil {
						return fmt.Errorf("recording: restore %s from an interrupted run: %w", dir, err)
					}
					continue
				}
			}
			if err := os.RemoveAll(path); err != nil {
				return fmt.Errorf("recording: remove %s left by an interrupted run: %w", path, err)
			}
		}
	}
	return nil
}

// isTempName reports whether name is a temporary file of atomicfile.Write.
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}

// copyTree copies the regular files and directories under src into dst,
// skipping temporary files of interrupted writes. A missing src is an empty
// tree.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if path == src && errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case isTempName(d.Name()):
			return nil
		case d.Type().IsRegular():
			return copyFile(path, target)
		default:
			return fmt.Errorf("%s is not a regular file or directory", path)
		}
	})
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Sync()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
