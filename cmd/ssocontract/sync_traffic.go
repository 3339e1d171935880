package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

// learnTraffic feeds l with every pair of the captures that reaches an
// operation of doc, as the validator routes it. This file is sync's only
// use of the capture readers and of the validator's routing, so that a
// change of either touches nothing else here.
func learnTraffic(paths []string, doc *openapi3.T, l *specdiff.Learner, stderr io.Writer) error {
	v, err := contract.New(contract.WithDocument(doc))
	if err != nil {
		return err
	}
	for _, path := range paths {
		err := capture.ForEach(path, func(p *contract.Pair) error {
			r := v.Route(p)
			if r.Operation == "" {
				return nil // reaches no operation of the spec
			}
			reqBody, respBody := p.RequestBody, p.ResponseBody
			if p.RequestBodyMissing {
				reqBody = nil
			}
			if p.ResponseBodyMissing {
				respBody = nil
			}
			l.Observe(strings.ToUpper(p.Method)+" "+r.Template, p.StatusCode, reqBody, respBody)
			return nil
		}, func(skipped, reason string) {
			fmt.Fprintf(stderr, "ssocontract sync: skipped %s: %s\n", skipped, reason)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
