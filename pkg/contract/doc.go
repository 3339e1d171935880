// Package contract checks HTTP request/response pairs against the OpenAPI
// spec of the Stytch B2B SSO update endpoints, whether they come from live
// traffic (a validating http.RoundTripper), go-vcr cassettes or HAR files.
//
// It does not import the client: it validates any pair, from any client.
//
// Validate one pair, from any source, against the embedded spec:
//
//	v, err := contract.New(contract.WithStrict(true))
//	if err != nil { ... }
//	for _, violation := range v.Validate(ctx, pair) {
//		fmt.Println(violation) // never quotes a body or header value
//	}
//
// Or check live traffic with a [Checker] ([NewChecker]): it samples, logs,
// reports and, in [Enforce] mode, fails a call that breaks the contract
// ([Monitor] mode only reports). This module's client takes one through
// package pkg/ssocheck; any other client can wrap its transport in a
// [Transport] ([NewTransport]).
//
// Bodies are checked in one pass over their bytes by a walker compiled from
// the spec's schemas; kin-openapi's openapi3filter checks security,
// parameters, status and headers, and every body whose schema uses a keyword
// the walker does not compile ([WithCompiledBodies] turns the walker off).
// Strict mode ([WithStrict]) adds what kin-openapi cannot check: undocumented
// fields, statuses covered only by a default response, undeclared content
// types, unknown operations, and the invariants in invariants.go.
//
// Each pair is routed once ([Validator.Route], or inside [Validator.Check],
// which also validates it): only API traffic is checked, by default a
// request whose path matches one of the spec's path templates (compared as
// URLs), on any host; [WithScope] widens that to path prefixes or hosts.
// CORS preflights, static assets, other hosts and paths the spec does not
// describe are skipped, in every mode, and never violations. Every reason a
// pair is skipped is a [Reason], spelled out by [Reason.Describe], so that
// every report says the same words. Any spec can be used: load
// a file with [LoadSpec] (which accepts Stytch's published document despite
// its duplicate operationId, as a warning) and pass it to [WithDocument].
//
// Recorded pairs are read by package [capture] (HAR files and go-vcr
// cassettes, which is where the YAML parser lives); package [coverage] tells
// which operations, statuses and fields a set of pairs exercises; spec diffs
// (oasdiff) live in package specdiff. None of them is linked by a program
// that imports only this package.
//
// [capture]: https://pkg.go.dev/github.com/stytchsso/stytchsso/pkg/contract/capture
// [coverage]: https://pkg.go.dev/github.com/stytchsso/stytchsso/pkg/contract/coverage
package contract
