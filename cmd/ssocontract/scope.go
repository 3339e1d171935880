package main

import (
	"context"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// Reasons a pair is skipped (not validated), as they appear in JSON
// ("skipped" object keys) and, spelled out, in text. All but
// reasonUndeclaredOp are the validator's own (contract.Reason).
const (
	reasonOtherHost    = string(contract.ReasonOtherHost)
	reasonOutsideAPI   = string(contract.ReasonOutsideAPI)
	reasonPreflight    = string(contract.ReasonPreflight)
	reasonStaticAsset  = string(contract.ReasonStaticAsset)
	reasonBadURL       = string(contract.ReasonBadURL)
	reasonUndeclaredOp = "undeclared-operation"
)

// reasonText spells a skip reason out for people.
func reasonText(reason string) string {
	switch reason {
	case reasonOtherHost:
		return "other host"
	case reasonOutsideAPI:
		return "path outside the API"
	case reasonPreflight:
		return "CORS preflight"
	case reasonStaticAsset:
		return "static asset"
	case reasonBadURL:
		return "unparsable URL"
	case reasonUndeclaredOp:
		return "operation not in the spec"
	}
	return reason
}

// scope is how the CLI asks, once per pair, whether a pair is API traffic
// and what the capture failed to record. Tests substitute their own.
type scope struct {
	// verdict validates p when it is in scope (checked reports whether it
	// was) and otherwise says why it was skipped.
	verdict func(ctx context.Context, v *contract.Validator, p *contract.Pair) (checked bool, reason string, vs []contract.Violation)
	// bodyMissing says whether the capture left out p's request or
	// response body.
	bodyMissing func(p *contract.Pair) (request, response bool)
}

// defaultScope is what the CLI uses: the validator's own scope rules
// (contract.Validator.Verdict) and the loaders' record of missing bodies.
func defaultScope(strict bool) scope {
	return scope{
		verdict: func(ctx context.Context, v *contract.Validator, p *contract.Pair) (bool, string, []contract.Violation) {
			d, vs := v.Verdict(ctx, p)
			switch {
			case d.Validated():
				return true, "", vs
			case d.Reason == contract.ReasonUnknownOperation && strict:
				// Strict mode reports an operation the spec lacks.
				return true, "", vs
			case d.Reason == contract.ReasonUnknownOperation:
				return false, reasonUndeclaredOp, nil
			}
			return false, string(d.Reason), nil
		},
		bodyMissing: func(p *contract.Pair) (bool, bool) { return p.RequestBodyMissing, p.ResponseBodyMissing },
	}
}
