package modversion

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOf(t *testing.T) {
	t.Parallel()
	other := debug.Module{Path: "example.com/admin", Version: "v3.0.0"}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"the CLI at a tag", &debug.BuildInfo{Main: debug.Module{Path: Path, Version: "v0.2.0"}}, "v0.2.0"},
		{"the CLI at a commit", &debug.BuildInfo{Main: debug.Module{Path: Path, Version: "v0.2.1-0.20261207094208-3f8d23c0a1b2"}}, "v0.2.1-0.20261207094208-3f8d23c0a1b2"},
		{"built in a clone with uncommitted changes", &debug.BuildInfo{Main: debug.Module{Path: Path, Version: "v0.0.0-20261207094208-3f8d23c0a1b2+dirty"}}, "v0.0.0-20261207094208-3f8d23c0a1b2+dirty"},
		{"go test, or -buildvcs=false", &debug.BuildInfo{Main: debug.Module{Path: Path, Version: "(devel)"}}, Devel},
		{"no version at all", &debug.BuildInfo{Main: debug.Module{Path: Path}}, Devel},
		{"a program requiring the client", &debug.BuildInfo{Main: other, Deps: []*debug.Module{
			{Path: "golang.org/x/net", Version: "v0.40.0"}, {Path: Path, Version: "v0.2.0"}}}, "v0.2.0"},
		{"a program replacing it with a fork at a version", &debug.BuildInfo{Main: other, Deps: []*debug.Module{
			{Path: Path, Version: "v0.2.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v0.2.0-fork.1"}}}}, "v0.2.0-fork.1"},
		{"a program replacing it with a directory", &debug.BuildInfo{Main: other, Deps: []*debug.Module{
			{Path: Path, Version: "v0.2.0", Replace: &debug.Module{Path: "../stytchsso"}}}}, Devel},
		{"a binary without this module", &debug.BuildInfo{Main: other}, Unknown},
		{"no build information", nil, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Of(tt.info))
		})
	}
}

func TestCurrentInATestBinary(t *testing.T) {
	t.Parallel()
	// go test builds this module's tests without a version.
	assert.Equal(t, Devel, Current())
}
