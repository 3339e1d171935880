// Package modversion says which version of this module a binary carries,
// read from the build information the go command stamps into every binary.
// It is the one source of the version: the client's User-Agent
// (sso.Version) and `ssocontract version` both come from here, so they
// cannot disagree, and nothing is hard-coded that a release could forget to
// bump.
//
//   - installed or required at a tag (go install ...@v0.2.0, or a program
//     whose go.mod requires v0.2.0): "v0.2.0";
//   - at a commit: the pseudo-version the go command computed;
//   - built inside a clone: what the go command stamps there (a version
//     derived from git since Go 1.24, "+dirty" with uncommitted changes),
//     else "devel" (go test, -buildvcs=false, no git).
package modversion

import "runtime/debug"

// Path is this module's path.
const Path = "github.com/stytchsso/stytchsso"

// Devel is the version of a build the go command gave no version.
const Devel = "devel"

// Unknown is the version of a binary without build information.
const Unknown = "unknown"

// Of returns the version of this module in info: the main module's when
// the binary was built from this module (the CLI, this module's tests),
// otherwise the dependency's (a program that imports the client), or its
// replacement's when a replace directive points elsewhere. "(devel)" and
// an empty version are [Devel]; a nil info, or a binary that does not hold
// this module, is [Unknown].
func Of(info *debug.BuildInfo) string {
	if info == nil {
		return Unknown
	}
	if info.Main.Path == Path {
		return normalize(info.Main.Version)
	}
	for _, dep := range info.Deps {
		if dep.Path != Path {
			continue
		}
		if dep.Replace != nil {
			return normalize(dep.Replace.Version)
		}
		return normalize(dep.Version)
	}
	return Unknown
}

// Current is [Of] the running binary's build information.
func Current() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Unknown
	}
	return Of(info)
}

func normalize(v string) string {
	if v == "" || v == "(devel)" {
		return Devel
	}
	return v
}
