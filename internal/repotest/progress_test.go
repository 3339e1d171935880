package repotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// stubGo is a stand-in for the go command: it appends "STUB-GO <args>" to
// the file that also receives make's output (both append, so the file
// holds the true order of events), and for `go test` prints a result line
// and writes the floor file the Makefile prints at the end.
const stubGo = `#!/usr/bin/env bash
echo "STUB-GO $*" >>"$STUB_OUT"
if [ "$1" = test ] && [ -n "${CONTRACT_FLOOR_FILE:-}" ]; then
  echo "suite floor, stub" >"$CONTRACT_FLOOR_FILE"
fi
if [ "$1" = test ]; then
  echo "ok  stub"
fi
`

// TestMakeContractProgress: `make contract` says what it is about to do
// before each slow phase starts (issue 13 §5: a cold run printed nothing for
// 98 s). make runs with GO set to a stub that records each call into the
// same file as make's output: each phase's line must come before the go
// command that does the phase's work, and the very first line of output
// before any go command runs, so a newcomer sees progress at once, whatever
// the network and the build cache.
func TestMakeContractProgress(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"make", "bash", "tar", "diff"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (a prerequisite of make contract)", tool)
		}
	}
	root := testutil.ModuleRoot(t)
	work := t.TempDir()
	// The files make contract and check-generate read; the copy keeps the
	// real contract.out untouched.
	for _, dir := range []string{"scripts", "gen"} {
		require.NoError(t, filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(root, p)
			require.NoError(t, err)
			copyFile(t, p, filepath.Join(work, rel))
			return nil
		}))
	}
	for _, f := range []string{"Makefile", "go.mod", "go.sum"} {
		copyFile(t, filepath.Join(root, f), filepath.Join(work, f))
	}
	stub := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.WriteFile(stub, []byte(stubGo), 0o755))
	outPath := filepath.Join(t.TempDir(), "out.txt")
	out, err := os.OpenFile(outPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	require.NoError(t, err)
	defer out.Close()

	cmd := exec.Command("make", "--no-print-directory", "contract", "GO="+stub)
	cmd.Dir = work
	cmd.Env = append(cleanEnv(), "STUB_OUT="+outPath)
	cmd.Stdout, cmd.Stderr = out, out
	runErr := cmd.Run()
	raw, err := os.ReadFile(outPath)
	require.NoError(t, err)
	require.NoError(t, runErr, "make contract with a stub go:\n%s", raw)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")

	index := func(prefix string) int {
		t.Helper()
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, prefix) })
		require.GreaterOrEqual(t, i, 0, "no line starting %q in:\n%s", prefix, raw)
		return i
	}
	assert.True(t, strings.HasPrefix(lines[0], "modules: downloading Go modules"), "the first line says what is happening, got %q", lines[0])
	firstGo := index("STUB-GO ")
	assert.Greater(t, firstGo, 0, "a line is printed before the first go command")

	phases := []struct{ announce, work string }{
		{"modules: downloading Go modules", "STUB-GO mod download"},
		{"check-generate: building the pinned generator", "STUB-GO build -o /dev/null github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"},
		{"check-generate: regenerating gen/ into a temp dir", "STUB-GO generate ./gen/..."},
		{"contract: compiling the suite's dependencies", "STUB-GO build ./api/..."},
		{"contract: running the contract suite", "STUB-GO test "},
	}
	// The coverage report is printed once, at the end, from the suite's
	// file: no second table from `ssocontract coverage` (issue 21 §1).
	assert.NotContains(t, string(raw), "ssocontract coverage", "a second coverage table")
	assert.Equal(t, 1, strings.Count(string(raw), "suite floor, stub"), "the suite's report is printed once:\n%s", raw)
	assert.Equal(t, "suite floor, stub", lines[len(lines)-1], "the report ends the output")

	prev := -1
	for _, ph := range phases {
		a, w := index(ph.announce), index(ph.work)
		assert.Less(t, a, w, "%q is printed before %q starts", ph.announce, ph.work)
		assert.Greater(t, a, prev, "%q comes after the previous phase's work", ph.announce)
		prev = w
	}
}

// TestMakeTestShowsProgressAndOneDeadline: `make test` (which .ci/run runs)
// keeps -race, reports each package as it finishes through the pinned
// gotestsum, and passes TEST_TIMEOUT as the test binaries' deadline, the one
// setting every hang guard derives from (issue 21 §2).
func TestMakeTestShowsProgressAndOneDeadline(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	root := testutil.ModuleRoot(t)
	dryRun := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("make", append([]string{"--no-print-directory", "-n", "test"}, args...)...)
		cmd.Dir = root
		cmd.Env = cleanEnv()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "make -n test: %s", out)
		return string(out)
	}
	out := dryRun()
	for _, want := range []string{"gotest.tools/gotestsum@v", "--format pkgname", "test -json -race -count=1 -timeout 15m ./..."} {
		assert.Contains(t, out, want)
	}
	assert.Contains(t, dryRun("TEST_TIMEOUT=40m"), "-timeout 40m ", "TEST_TIMEOUT reaches go test")

	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^make test\b`, string(ci), ".ci/run runs make test")
}
