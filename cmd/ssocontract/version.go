package main

import (
	"flag"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/stytchsso/stytchsso/internal/modversion"
)

// versionUsage is what `ssocontract version -h` prints.
const versionUsage = `usage: ssocontract version   (or ssocontract --version)
Prints this binary's module version, VCS revision and Go version, from the build
information the go command stamped into it; the client (pkg/sso) sends the same
version in its User-Agent. Exit status: 0; 2 for any argument.
`

func runVersion(args []string, s sys) int {
	fs := flag.NewFlagSet("ssocontract version", flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	fs.Usage = func() { fmt.Fprint(s.stderr, versionUsage) }
	rest, code, done := parseArgs(fs, args, s.stderr, false)
	if done {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(s.stderr, "ssocontract version: unexpected argument %q\n", rest[0])
		fs.Usage()
		return exitUsage
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	fmt.Fprintln(s.stdout, formatVersion(info))
	return exitOK
}

// formatVersion renders build information as one line:
//
//	ssocontract v1.2.0 (github.com/stytchsso/stytchsso, revision 0123abcd, go1.26.1)
//
// The version is the one the client sends in its User-Agent
// ([modversion.Of]): a tag, a pseudo-version, or "devel". A revision with uncommitted changes gets
// "+modified". Missing pieces are said to be unknown, never left out.
func formatVersion(info *debug.BuildInfo) string {
	if info == nil {
		return "ssocontract (version unknown: the binary carries no build information)"
	}
	version := modversion.Of(info)
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	var parts []string
	if info.Main.Path != "" {
		parts = append(parts, info.Main.Path)
	}
	switch {
	case revision == "":
		parts = append(parts, "revision unknown")
	case modified == "true":
		parts = append(parts, "revision "+revision+"+modified")
	default:
		parts = append(parts, "revision "+revision)
	}
	if info.GoVersion != "" {
		parts = append(parts, info.GoVersion)
	}
	return fmt.Sprintf("ssocontract %s (%s)", version, strings.Join(parts, ", "))
}
