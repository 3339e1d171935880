package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A capture file's name is not ours to trust (a directory of someone
// else's recordings): an unreadable file whose name holds a line break and
// a workflow command must not print that command on a line of its own, on
// standard output or standard error (GitHub Actions reads workflow
// commands from both), nor a bidi control character, in any format of
// validate or in coverage.
func TestUnreadableFileNameForgesNoLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := "broken\n::error::FORGED\u202e.har"
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(`{"log":`), 0o600))

	runs := [][]string{{"coverage", dir}}
	for _, f := range validateFormats() {
		runs = append(runs, []string{"validate", "--format", f.name, dir})
	}
	for _, args := range runs {
		code, stdout, stderr := runCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v", args)
		require.Contains(t, stderr, "broken", "%v: the unreadable file is named", args)
		for _, line := range strings.Split(stdout+stderr, "\n") {
			assert.False(t, strings.HasPrefix(line, "::error::FORGED"), "%v: a forged line: %q", args, line)
		}
		assert.NotContains(t, stderr, "\u202e", "%v", args)
	}
}
