// Package sso is the client for Stytch's B2B SSO connection update
// endpoints: [Client.UpdateSAMLConnection] and
// [Client.UpdateExternalConnection]. It is a thin layer over the generated
// client in gen/stytchsso that adds what calling the API safely needs:
// HTTP Basic credentials, the environment chosen from the project ID,
// per-call member authorization, typed errors, bounded retries with
// backoff, bounded response reads and debug logging that never shows a
// secret.
//
//	client, err := sso.New("project-test-00000000-0000-0000-0000-000000000000", secret,
//		sso.WithUserAgent("my-admin-tool/1.2"))
//	if err != nil { ... }
//	conn, err := client.UpdateSAMLConnection(ctx, orgID, connID, &sso.SAMLConnectionUpdate{
//		DisplayName:              sso.Ptr("Acme Okta"),
//		IdentityProvider:         sso.Ptr(sso.IdentityProviderOkta),
//		IDPInitiatedAuthDisabled: sso.Ptr(false), // an explicit false is sent
//		SAMLGroupImplicitRoleAssignments: sso.EmptyList[sso.SAMLGroupImplicitRoleAssignment](), // clears the list
//	}, sso.WithMemberSessionToken(sessionToken))
//	switch {
//	case errors.Is(err, sso.ErrNotFound): ...
//	case err != nil:
//		var apiErr *sso.APIError
//		if errors.As(err, &apiErr) { log.Print(apiErr.RequestID) }
//	}
//
// # Parameters
//
// Every field of [SAMLConnectionUpdate] and
// [ExternalConnectionUpdate] is a pointer. nil leaves the setting as
// it is; [Ptr] sets a value, including false and ""; [EmptyList] clears a
// list of role assignments.
//
// # Errors
//
// Every non-2xx response is an [*APIError], whatever its body (an HTML 502
// from a proxy included); errors.Is matches it against [ErrUnauthorized],
// [ErrForbidden], [ErrNotFound], [ErrRateLimited], [ErrServerError] and
// [ErrBadRequest]. A 2xx that cannot be decoded matches [ErrDecode]; a body
// over the limit matches [ErrResponseTooLarge]. Transport and context errors
// are wrapped, so errors.Is(err, context.DeadlineExceeded) works. No error
// message contains the secret, a session token or JWT, or a private key.
//
// # Transports and retries
//
// Requests go through, from the network outwards: the base transport (the
// client's own, or the one of [WithHTTPClient]), any
// [WithTransportMiddleware] layers (a recorder, say), then the retry layer (hashicorp/go-retryablehttp), so a
// middleware sees every attempt. 429, 5xx other than 501 and transport
// errors are retried under [RetryPolicy], honouring Retry-After; PUT is
// idempotent so this is safe. Redirects are never followed. Each attempt is
// bounded by [DefaultAttemptTimeout] (or [WithAttemptTimeout]) unless the
// call's context has a sooner deadline; with [WithHTTPClient], that
// client's Timeout applies instead.
package sso
