//go:build unix

package recording_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/atomicfile"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

// TestRunHelperProcess is not a test: TestRunKilledMidway runs it in a
// child process, which starts a run, writes a cassette into the staging
// directory, says so, and waits to be killed.
func TestRunHelperProcess(t *testing.T) {
	dir := os.Getenv("RECORDING_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process for TestRunKilledMidway")
	}
	run, err := recording.StartRun(dir)
	if err != nil {
		os.Exit(3)
	}
	if err := atomicfile.Write(filepath.Join(run.Dir(), "saml", "a.yaml"), []byte("half-run a"), 0o644); err != nil {
		os.Exit(4)
	}
	_, _ = os.Stdout.WriteString("staged\n")
	time.Sleep(time.Minute)
	os.Exit(5)
}

// TestRunKilledMidway: a recording process killed with SIGKILL in the
// middle of a run leaves the recordings exactly as they were; its staging
// directory is removed by the next run.
func TestRunKilledMidway(t *testing.T) {
	t.Parallel()
	parent, dir := oldRecordings(t)
	before := tree(t, dir)
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunHelperProcess$")
	cmd.Env = append(os.Environ(), "RECORDING_HELPER_DIR="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "staged\n", line)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	assert.Equal(t, before, tree(t, dir), "the killed run changed nothing")
	left := names(t, parent)
	require.Len(t, left, 2, "the killed run's staging directory is still there: %v", left)
	assert.True(t, strings.HasPrefix(left[0], ".cassettes.recording-staging-"), "%v", left)

	run, err := recording.StartRun(dir)
	require.NoError(t, err)
	require.NoError(t, run.Abort())
	assert.Equal(t, []string{"cassettes"}, names(t, parent), "the next run removed the leftovers")
}
