// Package contract checks HTTP request/response pairs against the OpenAPI
// spec of the Stytch B2B SSO update endpoints, whether they come from live
// traffic (a validating http.RoundTripper), go-vcr cassettes or HAR files.
//
// It does not import the client: it validates any pair, from any client.
package contract
