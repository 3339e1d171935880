package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/pkg/contract/specdiff"
)

func runDiff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssocontract diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	upstream := fs.String("upstream", "", "compare our operations with Stytch's published spec in `file` instead")
	format := &formatFlag{value: "text", allowed: []string{"text", "json"}}
	fs.Var(format, "format", "output `format`: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ssocontract diff [--format text|json] OLD NEW")
		fmt.Fprintln(stderr, "       ssocontract diff --upstream FILE [--format text|json] [OURS]")
		fmt.Fprintln(stderr, "OLD NEW: breaking and other changes (oasdiff); exit 1 when any is breaking.")
		fmt.Fprintln(stderr, "--upstream: every structural difference between our two paths and Stytch's spec")
		fmt.Fprintln(stderr, "(OURS defaults to the embedded spec); exit 1 when there is any, like diff(1).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ssocontract diff: %v\n", err)
		return 2
	}
	if *upstream != "" {
		if fs.NArg() > 1 {
			fs.Usage()
			return 2
		}
		return diffUpstream(*upstream, fs.Arg(0), format.value, stdout, fail)
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "ssocontract diff: want OLD and NEW spec files")
		fs.Usage()
		return 2
	}
	oldData, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fail(err)
	}
	newData, err := os.ReadFile(fs.Arg(1))
	if err != nil {
		return fail(err)
	}
	rep, err := specdiff.Compare(oldData, newData, fs.Arg(0), fs.Arg(1))
	if err != nil {
		return fail(err)
	}
	if format.value == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else if err := rep.WriteText(stdout); err != nil {
		return fail(err)
	}
	if rep.HasBreaking() {
		return 1
	}
	return 0
}

func diffUpstream(upstreamPath, oursPath, format string, stdout io.Writer, fail func(error) int) int {
	data, err := os.ReadFile(upstreamPath)
	if err != nil {
		return fail(err)
	}
	up, err := specdiff.LoadUpstream(data, upstreamPath)
	if err != nil {
		return fail(err)
	}
	ours, err := api.Document()
	if oursPath != "" {
		var b []byte
		if b, err = os.ReadFile(oursPath); err == nil {
			ours, err = api.Parse(b)
		}
	}
	if err != nil {
		return fail(err)
	}
	diffs := specdiff.CompareUpstream(ours, up)
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if diffs == nil {
			diffs = []specdiff.Difference{}
		}
		_ = enc.Encode(struct {
			Upstream    string                `json:"upstream"`
			Differences []specdiff.Difference `json:"differences"`
		}{upstreamPath, diffs})
	} else if err := specdiff.WriteUpstreamText(stdout, diffs); err != nil {
		return fail(err)
	}
	if len(diffs) > 0 {
		return 1
	}
	return 0
}
