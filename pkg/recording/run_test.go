package recording_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/atomicfile"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

// tree maps every file under dir (relative path) to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = string(b)
		return nil
	}))
	return out
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func oldRecordings(t *testing.T) (parent, dir string) {
	t.Helper()
	parent = t.TempDir()
	dir = filepath.Join(parent, "cassettes")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "saml"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "saml", "a.yaml"), []byte("old a"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "saml", "b.yaml"), []byte("old b"), 0o644))
	// A temporary file left by an interrupted write.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "saml", ".a.yaml.tmp-123"), []byte("half"), 0o644))
	return parent, dir
}

// TestRunCommitIsAllOrNothing: a committed run replaces what it recorded,
// keeps what it did not, drops temporary files, and leaves nothing beside
// the directory.
func TestRunCommitIsAllOrNothing(t *testing.T) {
	t.Parallel()
	parent, dir := oldRecordings(t)
	run, err := recording.StartRun(dir)
	require.NoError(t, err)
	require.NoError(t, atomicfile.Write(filepath.Join(run.Dir(), "saml", "a.yaml"), []byte("new a"), 0o644))
	require.NoError(t, atomicfile.Write(filepath.Join(run.Dir(), "external", "c.yaml"), []byte("new c"), 0o644))
	assert.Equal(t, "old a", tree(t, dir)["saml/a.yaml"], "the target is untouched until Commit")
	require.NoError(t, run.Commit())
	require.NoError(t, run.Abort(), "Abort after Commit does nothing")
	assert.Equal(t, map[string]string{"saml/a.yaml": "new a", "saml/b.yaml": "old b", "external/c.yaml": "new c"}, tree(t, dir))
	assert.Equal(t, []string{"cassettes"}, names(t, parent), "no staging or old directory left")
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
}

// TestRunAbortKeepsOldRecordings: a run that fails halfway changes nothing.
func TestRunAbortKeepsOldRecordings(t *testing.T) {
	t.Parallel()
	parent, dir := oldRecordings(t)
	before := tree(t, dir)
	run, err := recording.StartRun(dir)
	require.NoError(t, err)
	require.NoError(t, atomicfile.Write(filepath.Join(run.Dir(), "saml", "a.yaml"), []byte("new a"), 0o644))
	require.NoError(t, run.Abort())
	assert.Equal(t, before, tree(t, dir))
	assert.Equal(t, []string{"cassettes"}, names(t, parent))
}

// TestRunRecoversInterruptedRuns: leftovers of a run whose process is gone
// are removed, and a directory moved aside by a Commit that was interrupted
// between its two renames is put back.
func TestRunRecoversInterruptedRuns(t *testing.T) {
	t.Parallel()
	parent, dir := oldRecordings(t)
	const deadPID = "2147483646" // no such process
	stale := filepath.Join(parent, ".cassettes.recording-staging-"+deadPID+"-x")
	require.NoError(t, os.MkdirAll(stale, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(stale, "half.yaml"), []byte("x"), 0o644))
	run, err := recording.StartRun(dir)
	require.NoError(t, err)
	require.NoError(t, run.Abort())
	assert.Equal(t, []string{"cassettes"}, names(t, parent))

	// Interrupted between "move the old aside" and "move the new in".
	before := tree(t, dir)
	aside := filepath.Join(parent, ".cassettes.recording-old-"+deadPID)
	require.NoError(t, os.Rename(dir, aside))
	run, err = recording.StartRun(dir)
	require.NoError(t, err)
	staged := tree(t, run.Dir())
	assert.Equal(t, "old a", staged["saml/a.yaml"], "the staging copy starts from the restored recordings")
	assert.NotContains(t, staged, "saml/.a.yaml.tmp-123", "without temporary files")
	require.NoError(t, run.Abort())
	assert.Equal(t, before, tree(t, dir))
	assert.Equal(t, []string{"cassettes"}, names(t, parent))
}
