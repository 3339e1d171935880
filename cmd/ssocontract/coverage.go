package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/contract/coverage"
)

func runCoverage(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssocontract coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "OpenAPI spec `file` (default: the embedded spec)")
	format := &formatFlag{value: "text", allowed: []string{"text", "json"}}
	fs.Var(format, "format", "output `format`: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ssocontract coverage [--spec FILE] [--format text|json] PATH...")
		fmt.Fprintln(stderr, "Which operations x statuses and request/response fields the recorded pairs exercise.")
		fmt.Fprintln(stderr, "Exit status: 0 report written, 2 bad usage or unreadable input.")
		fs.PrintDefaults()
	}
	if code, done := parseArgs(fs, args, stderr, true); done {
		return code
	}
	v, err := newValidator(*specPath, false)
	if err != nil {
		fmt.Fprintf(stderr, "ssocontract coverage: %v\n", err)
		return 2
	}
	defer batchGC()()
	cov := coverage.New(v.Document(), v)
	for _, p := range fs.Args() {
		err := capture.WalkFiles(p, func(file string, explicit bool) error {
			pairs, err := capture.LoadFile(file)
			if !explicit && errors.Is(err, capture.ErrNotPairFile) {
				return nil
			}
			if err != nil {
				return err
			}
			for i := range pairs {
				cov.Add(&pairs[i])
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "ssocontract coverage: %v\n", err)
			return 2
		}
	}
	rep := cov.Report()
	if format.value == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return 0
	}
	if err := rep.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "ssocontract coverage: %v\n", err)
		return 2
	}
	return 0
}
