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

// verdict validates p when it is API traffic to check (checked reports
// whether it was) and otherwise says why it was skipped: the validator's own
// scope rules (contract.Validator.Verdict), one routing per pair. A pair
// whose capture kept neither body, and that shows no violation in what is
// left, is skipped ("neither body captured"). A path of
// the spec with a method it does not declare, or a path inside --scope that
// reaches no operation, is checked only in strict mode, where it is an
// unknown-operation violation.
func verdict(ctx context.Context, v *contract.Validator, strict bool, p *contract.Pair) (checked bool, reason string, vs []contract.Violation) {
	d, vs := v.Verdict(ctx, p)
	switch {
	case d.Validated() && p.RequestBodyMissing && p.ResponseBodyMissing && len(vs) == 0:
		// Only the status and the headers could be looked at: not a
		// check worth counting, so that a capture that kept no body at
		// all cannot pass as checked.
		return false, reasonNoBody, nil
	case d.Validated():
		return true, "", vs
	case d.Reason == contract.ReasonUnknownOperation && strict:
		return true, "", vs
	case d.Reason == contract.ReasonUnknownOperation:
		return false, reasonUndeclaredOp, nil
	}
	return false, string(d.Reason), nil
}
