package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

func runDiff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssocontract diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	upstream := fs.String("upstream", "", "compare our operations with Stytch's published spec in `file` instead")
	accept := fs.String("accept", "", "with --upstream: a `file` of accepted differences (the JSON this command prints); only others fail")
	format := &formatFlag{value: "text", allowed: []string{"text", "json"}}
	fs.Var(format, "format", "output `format`: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ssocontract diff [--format text|json] OLD NEW")
		fmt.Fprintln(stderr, "       ssocontract diff --upstream FILE [--accept FILE] [--format text|json] [OURS]")
		fmt.Fprintln(stderr, "OLD NEW: breaking and other changes (oasdiff); exit 1 when any is breaking.")
		fmt.Fprintln(stderr, "--upstream: every structural difference between our two paths and Stytch's spec")
		fmt.Fprintln(stderr, "(OURS defaults to the embedded spec); exit 1 when there is any, like diff(1),")
		fmt.Fprintln(stderr, "or, with --accept, any not in the accepted list (so CI fails only when Stytch's spec moves).")
		fmt.Fprintln(stderr, "Flags may follow the file names; -- ends them.")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "Exit status: 0 no breaking change (--upstream: no difference, or none new), 1 breaking change")
		fmt.Fprintln(stderr, "(--upstream: a difference, or one not accepted), 2 bad usage or unreadable input.")
	}
	pos, code, done := parseArgs(fs, args, stderr, false)
	if done {
		return code
	}
	arg := func(i int) string {
		if i < len(pos) {
			return pos[i]
		}
		return ""
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ssocontract diff: %v\n", err)
		return 2
	}
	if *accept != "" && *upstream == "" {
		fmt.Fprintln(stderr, "ssocontract diff: --accept goes with --upstream")
		return 2
	}
	if *upstream != "" {
		if len(pos) > 1 {
			fs.Usage()
			return 2
		}
		return diffUpstream(*upstream, arg(0), *accept, format.value, stdout, fail)
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "ssocontract diff: want OLD and NEW spec files")
		fs.Usage()
		return 2
	}
	oldData, err := os.ReadFile(arg(0))
	if err != nil {
		return fail(err)
	}
	newData, err := os.ReadFile(arg(1))
	if err != nil {
		return fail(err)
	}
	rep, err := specdiff.Compare(oldData, newData, arg(0), arg(1))
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

func diffUpstream(upstreamPath, oursPath, acceptPath, format string, stdout io.Writer, fail func(error) int) int {
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
	var accepted []specdiff.Difference
	if acceptPath != "" {
		if accepted, err = readAccepted(acceptPath); err != nil {
			return fail(err)
		}
	}
	unexpected, stale := splitAccepted(diffs, accepted)
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
	if acceptPath == "" {
		if len(diffs) > 0 {
			return 1
		}
		return 0
	}
	if format == "text" {
		fmt.Fprintf(stdout, "%d accepted in %s, %d new\n", len(diffs)-len(unexpected), acceptPath, len(unexpected))
		for _, d := range unexpected {
			fmt.Fprintf(stdout, "NEW: %s\n", describeDifference(d))
		}
		for _, d := range stale {
			fmt.Fprintf(stdout, "GONE (accepted, no longer differs; drop it from %s): %s\n", acceptPath, describeDifference(d))
		}
	}
	if len(unexpected) > 0 {
		return 1
	}
	return 0
}

// readAccepted reads a baseline of accepted differences: the JSON that
// `diff --upstream --format json` prints.
func readAccepted(path string) ([]specdiff.Difference, error) {
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Differences *[]specdiff.Difference `json:"differences"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not the JSON of 'ssocontract diff --upstream --format json': %w", path, err)
	}
	if doc.Differences == nil {
		return nil, fmt.Errorf("%s: no \"differences\" list", path)
	}
	return *doc.Differences, nil
}

// splitAccepted returns the differences not in accepted, and the accepted
// ones that no longer occur.
func splitAccepted(diffs, accepted []specdiff.Difference) (unexpected, stale []specdiff.Difference) {
	seen := map[specdiff.Difference]bool{}
	for _, d := range diffs {
		seen[d] = true
	}
	ok := map[specdiff.Difference]bool{}
	for _, d := range accepted {
		ok[d] = true
		if !seen[d] {
			stale = append(stale, d)
		}
	}
	for _, d := range diffs {
		if !ok[d] {
			unexpected = append(unexpected, d)
		}
	}
	return unexpected, stale
}

func describeDifference(d specdiff.Difference) string {
	where := d.Where
	if d.Pointer != "" {
		where += " " + d.Pointer
	}
	return fmt.Sprintf("%s %s: %s ours=%s upstream=%s", d.Operation, where, d.Aspect, d.Ours, d.Upstream)
}
