// Command check-captures checks recorded traffic against the spec, for a CI
// step: go-vcr cassettes and HAR files (a browser's export, mitmproxy,
// Charles), or directories searched for both. Pairs that are not traffic of
// the two SSO updates (other endpoints, other hosts, assets) are counted
// and skipped; every other pair is validated in strict mode.
//
//	go run ./examples/check-captures testdata/cassettes captures/admin.har
//
// It prints one line per violation (never a value from a body or header)
// and a summary, and exits 1 when a pair breaks the contract or when nothing
// at all was checked (a wrong path must not pass as a clean run), 2 on bad
// usage. `ssocontract validate` is the ready-made command with reporters
// for GitHub, JUnit and SARIF; this is the same check in a dozen lines of
// your own code.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// errFailed is returned when the check ran and failed (exit 1).
var errFailed = errors.New("contract check failed")

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: check-captures PATH... (cassettes, HAR files or directories)")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "check-captures:", err)
		os.Exit(1)
	}
}

// run validates every pair under paths and reports on stdout.
func run(ctx context.Context, paths []string, stdout io.Writer) error {
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		return err
	}
	checked, skipped, violations := 0, 0, 0
	for _, path := range paths {
		err := capture.ForEach(path, func(p *contract.Pair) error {
			res := v.Check(ctx, p)
			if !res.Checked() {
				skipped++
				return nil
			}
			checked++
			for _, x := range res.Violations {
				violations++
				fmt.Fprintf(stdout, "%s: %s\n", p.Where(), x)
			}
			return nil
		}, func(path, reason string) {
			fmt.Fprintf(stdout, "%s: skipped: %s\n", path, reason)
		})
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "checked %d pairs against the spec (%d skipped: not the SSO updates), %d violations\n", checked, skipped, violations)
	switch {
	case checked == 0:
		return fmt.Errorf("%w: no pair of the SSO updates in %v: nothing was checked", errFailed, paths)
	case violations > 0:
		return fmt.Errorf("%w: %d violations", errFailed, violations)
	}
	return nil
}
