package fileinfo_test

import (
	"fmt"
	"io/fs"
	"testing"

	"github.com/stytchsso/stytchsso/internal/fileinfo"
)

func TestKind(t *testing.T) {
	for mode, want := range map[fs.FileMode]string{
		0o644:                             "a regular file",
		fs.ModeDir | 0o755:                "a directory",
		fs.ModeSymlink:                    "a symbolic link",
		fs.ModeNamedPipe:                  "a FIFO",
		fs.ModeSocket:                     "a socket",
		fs.ModeDevice:                     "a device",
		fs.ModeDevice | fs.ModeCharDevice: "a device",
		fs.ModeIrregular:                  "an irregular file",
	} {
		if got := fileinfo.Kind(mode); got != want {
			t.Errorf("Kind(%v) = %q, want %q", mode, got, want)
		}
	}
}

func ExampleKind() {
	fmt.Println(fileinfo.Kind(fs.ModeNamedPipe))
	// Output: a FIFO
}
