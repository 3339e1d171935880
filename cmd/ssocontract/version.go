package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

func runVersion(args []string, s sys) int {
	if len(args) > 0 {
		fmt.Fprintln(s.stderr, "usage: ssocontract version")
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
// A binary built from a checkout reports "(devel)" or a pseudo-version;
// "(devel)" is printed as "devel". A revision with uncommitted changes gets
// "+modified". Missing pieces are said to be unknown, never left out.
func formatVersion(info *debug.BuildInfo) string {
	if info == nil {
		return "ssocontract (version unknown: the binary carries no build information)"
	}
	version := info.Main.Version
	switch version {
	case "", "(devel)":
		version = "devel"
	}
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
