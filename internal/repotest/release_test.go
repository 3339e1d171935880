package repotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// gitTags returns the repository's vX.Y.Z tags, or skips the test when
// they cannot be known: no git, not a git checkout, or a shallow clone (CI's
// default checkout fetches no tags).
func gitTags(t *testing.T, root string) map[string]bool {
	t.Helper()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Skipf("git %s: %v (the tags cannot be known)", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if git("rev-parse", "--is-shallow-repository") == "true" {
		t.Skip("a shallow clone: its tags are not known")
	}
	tags := map[string]bool{}
	for _, tag := range strings.Fields(git("tag", "--list", "v*")) {
		tags[tag] = true
	}
	return tags
}

// TestChangelogReleasesAreTagged (issue 21 §1): the changelog dates no
// release that was never tagged, and while no release exists the README
// does not install at @latest nor point the action at a version tag.
func TestChangelogReleasesAreTagged(t *testing.T) {
	t.Parallel()
	root := testutil.ModuleRoot(t)
	tags := gitTags(t, root)

	changelog, err := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
	require.NoError(t, err)
	require.Contains(t, string(changelog), "## [Unreleased]")
	for _, m := range regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}`).FindAllStringSubmatch(string(changelog), -1) {
		assert.True(t, tags["v"+m[1]], "CHANGELOG.md dates release %s, but there is no tag v%s", m[1], m[1])
	}

	if len(tags) > 0 {
		return
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	assert.False(t, strings.Contains(string(readme), "/cmd/ssocontract@latest"), "README.md installs at @latest, but no release exists")
	assert.Empty(t, regexp.MustCompile(`uses: stytchsso/stytchsso@v\d\S*`).FindString(string(readme)), "README.md's action example names a version tag, but no release exists")
	assert.True(t, strings.Contains(string(readme), "go install ./cmd/ssocontract"), "README.md does not say how to install from a clone")
}
