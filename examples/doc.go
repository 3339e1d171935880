// Package examples holds small programs, one per folder, that show how the
// module is used; each is built and vetted with the module and tested where
// it needs no credentials:
//
//   - tls-client: the client against `ssocontract serve --tls` over https,
//     trusting the certificate serve writes.
//   - validate-in-code: the client checked against the spec in code, in
//     report mode and in enforce mode (package ssocheck).
//   - record-cassettes: recording your own redacted cassettes against
//     Stytch's test environment (or any provider the STYTCH_* variables name).
//   - check-captures: checking recorded captures (cassettes, HAR files) in CI,
//     failing the build on a contract violation or when nothing was checked.
package examples
