// Package ssocheck checks the calls of the client in package sso against
// the spec, with the validator of package contract. It is the only package
// that imports both, so a program that only calls Stytch does not link the
// validator (nor kin-openapi and its YAML parser) at all.
//
//	v, err := contract.New(contract.WithStrict(true)) // build once, share
//	if err != nil { ... }
//	checker, err := contract.NewChecker(v, contract.CheckConfig{Mode: contract.Monitor, Logger: logger})
//	if err != nil { ... }
//	client, err := sso.New(projectID, secret, ssocheck.WithValidation(checker))
//
// Each call's final request and response are validated once, after
// retries, with the bytes the client read anyway, so retries see real
// responses. In [contract.Enforce] mode a 2xx that breaks the contract
// fails the call with a *[contract.ViolationError], and an error response is
// the *[sso.APIError] it would be anyway, with the *contract.ViolationError
// inside (errors.As finds both). In [contract.Monitor] mode calls are
// untouched and violations go to the config's OnViolation function or Logger.
//
// Violations name what the server chose (an undeclared field, a header):
// they are redacted with the call's own secrets, in any encoding, before
// they reach the Logger, OnViolation or an error (see [contract.Pair]'s
// Redact). The Pair handed to OnViolation is the call's as sent and
// received, credentials included: print nothing of it that has not gone
// through its Redact.
package ssocheck

import (
	"context"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// WithValidation returns an [sso.Option] that checks every call of the
// client with c (see [contract.NewChecker] for its mode, sampling,
// reporting and logging). A nil c fails sso.New.
func WithValidation(c *contract.Checker) sso.Option {
	if c == nil {
		return sso.WithExchangeCheck(nil)
	}
	return sso.WithExchangeCheck(func(ctx context.Context, ex *sso.Exchange) error {
		if !c.Sampled() {
			return nil
		}
		return c.Check(ctx, pairOf(ex))
	})
}

// pairOf is the contract.Pair of a call's exchange. Its violations are
// redacted with the call's own secrets (see [sso.Exchange.Redact]), so
// that a server echoing one as a field name does not get it into the
// checker's log, its OnViolation callback or a *contract.ViolationError.
func pairOf(ex *sso.Exchange) *contract.Pair {
	p := contract.LivePair(ex.Method, ex.URL, ex.RequestHeader, ex.RequestBody, ex.StatusCode, ex.ResponseHeader, ex.ResponseBody)
	p.Redact = ex.Redact
	return p
}
