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
	reasonNoBody       = "no-body-captured"
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
	case reasonNoBody:
		return "neither body captured"
	}
	return reason
}

// checkPair is validate's step: it routes and validates each pair once
// (contract.Validator.Verdict) and says whether it was checked, against
// what and with what found, or why it was skipped. A pair whose capture
// kept neither body, and that shows no violation in what is left, is
// skipped ("neither body captured"), so that a capture that kept no body
// at all cannot pass as checked. A path of the spec with a method it does
// not declare, or a path inside --scope that reaches no operation, is
// checked only in strict mode, where it is an unknown-operation violation.
func checkPair(v *contract.Validator, strict bool) step {
	return func(ctx context.Context, p *contract.Pair) result {
		d, vs := v.Verdict(ctx, p)
		r := result{Method: d.Method, Path: d.Path, Status: p.StatusCode}
		switch {
		case d.Validated() && p.RequestBodyMissing && p.ResponseBodyMissing && len(vs) == 0:
			r.Skipped = reasonNoBody
		case d.Validated():
			r.Operation = d.Operation
		case d.Reason == contract.ReasonUnknownOperation && strict:
			r.Operation = d.Method + " (unknown operation)"
		case d.Reason == contract.ReasonUnknownOperation:
			r.Skipped = reasonUndeclaredOp
		default:
			r.Skipped = string(d.Reason)
		}
		if !r.checked() {
			return r
		}
		r.Violations = vs
		if p.RequestBodyMissing {
			r.NotCaptured = append(r.NotCaptured, contract.SideRequest)
		}
		if p.ResponseBodyMissing {
			r.NotCaptured = append(r.NotCaptured, contract.SideResponse)
		}
		return r
	}
}
