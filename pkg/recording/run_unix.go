//go:build unix

package recording

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// processAlive reads the process ID at the start of s ("1234" or
// "1234-xyz") and reports whether that process is running. An unreadable
// ID counts as alive: what cannot be attributed is left alone.
func processAlive(s string) bool {
	idText, _, _ := strings.Cut(s, "-")
	pid, err := strconv.Atoi(idText)
	if err != nil || pid <= 0 {
		return true
	}
	if pid == os.Getpid() {
		return true
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
