// Package fileinfo names the kind of a file that is not a regular file, for
// messages that refuse to read or replace it.
package fileinfo

import "io/fs"

// Kind names what a file of mode m is when it is not a regular file: "a
// directory", "a symbolic link", "a FIFO", "a socket", "a
// device", "an irregular file". For a regular file it says "a regular file".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0: // block and character devices alike
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}
