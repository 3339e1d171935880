// Package provider is a local, in-memory stand-in for the two Stytch B2B SSO
// update endpoints. It is not Stytch: it follows what is known of the real
// API (see the repository's API notes) so that the live contract scenarios,
// recordings and teams' own integration tests can run offline over loopback.
//
// A [Provider] is an [http.Handler]. [New] seeds one organization (with a
// slug and an external ID) holding one SAML and one External connection;
// [Provider.Seeded] returns their IDs:
//
//	p, err := provider.New(provider.Config{
//		ProjectID: "project-test-00000000-0000-0000-0000-000000000000",
//		Secret:    "secret-test-local",
//	})
//	if err != nil { ... }
//	srv := httptest.NewServer(p)
//	defer srv.Close()
//	seed := p.Seeded()
//	// PUT srv.URL + "/v1/b2b/sso/saml/" + seed.OrganizationID + "/connections/" + seed.SAMLConnectionID
//
// Behaviour, in the order checks run:
//
//   - Routing: only PUT on the two paths; another method on them gets 405
//     method_not_allowed (with Allow: PUT), any other path 404 route_not_found.
//   - Basic auth with the configured project ID and secret, else 401
//     unauthorized_credentials.
//   - A [PreferHeader] asking for a status, Prism's convention
//     ("Prefer: code=429"): any status the operation declares in the spec
//     (200, 400, 401, 403, 404, 429, 500) is answered at once with a body
//     valid under the spec, Stytch's error for that status (429 with
//     Retry-After: 1) or, for 200, the connection as it stands (the body is
//     not applied); the answer carries Preference-Applied: code=N. A code the
//     operation does not declare, or one that is not a number, gets 400
//     bad_request listing the declared ones. Preferences other than code are
//     ignored; forced answers do not use the rate limit.
//   - Rate limit (token bucket, [Config.RateLimit] per second, burst
//     [Config.Burst]): 429 too_many_requests with Retry-After in seconds.
//   - Faults queued with [Provider.ThrottleNext] (429 too_many_requests, before
//     the rate limit) and [Provider.FailNext] (500 internal_server_error).
//   - Member session headers (X-Stytch-Member-Session,
//     X-Stytch-Member-SessionJWT): a token or JWT configured as allowed passes;
//     one configured as not allowed gets 403 session_authorization_error; one
//     the provider does not know gets 403 invalid_session_token (403, not 401,
//     because the 401 of this API is about project credentials, not about
//     the member).
//   - The body is validated against the spec's request schema (kin-openapi,
//     no defaults written): 400 bad_request naming the field (in the message
//     and in error_details.field), never quoting its value. Unknown fields are
//     ignored, as Stytch does: its own Go and Python SDKs send organization_id
//     and connection_id in the body, which the spec does not declare.
//   - Field checks: x509_certificate must be a PEM certificate (400
//     invalid_x509_certificate), signing_private_key and
//     saml_encryption_private_key PKCS#1 RSA PEM keys (400
//     saml_signing_private_key_invalid / saml_encryption_private_key_invalid),
//     idp_sso_url empty or https (400 saml_connection_idp_sso_url_not_https),
//     role IDs must not be empty (400 invalid_rbac_role_id).
//   - Organization by ID, slug or external ID, else 404 organization_not_found;
//     connection, else 404 saml_connection_not_found or
//     external_connection_not_found.
//   - Group role assignments need a groups key in the resulting attribute
//     mapping (400 saml_connection_attribute_mapping_missing_groups_key).
//     A rejected request changes nothing.
//   - The update is applied as a partial update: omitted fields are unchanged,
//     explicit false, "" and [] are applied. A new x509 certificate is added to
//     verification_certificates (the same certificate twice is kept once); a
//     signing key replaces signing_certificates with a certificate generated from
//     it (issuer "Stytch"); an encryption key is added to
//     encryption_private_keys. The status is active while idp_sso_url,
//     attribute_mapping, idp_entity_id and a verification certificate are all
//     set, pending otherwise.
//
// Besides the two updates, GET /v1/b2b/sessions/jwks/{project_id} ([JWKSPathPrefix])
// answers the provider's JSON Web Key Set, {"keys":[...],"request_id":...,"status_code":200},
// holding the public half of an RSA-2048 key made on first use
// ([Provider.SessionSigningKey]): Stytch's Go SDK fetches it when its B2B
// client is constructed, with no Authorization header. Like Stytch, the
// provider serves it without authentication (it is the one route that does;
// a credential sent with it is ignored), answers 404 project_not_found for
// another project and 405 (Allow: GET) for another method; rate limits,
// queued faults and Prefer do not apply to it.
//
// What one request and one connection can hold is bounded, so a
// long-running provider's state cannot grow without bound and every answer
// stays decodable (each a 400, naming the field where there is one): request bodies
// nested deeper than [MaxJSONDepth] (bad_request); attribute mappings past
// [MaxAttributeMappingEntries] keys or [MaxAttributeMappingBytes]
// (attribute_mapping_too_large); role assignment lists past
// [MaxRoleAssignments] (too_many_role_assignments); a certificate past
// [MaxVerificationCertificates] (too_many_verification_certificates) or a
// key past [MaxEncryptionPrivateKeys] (too_many_encryption_private_keys).
// Stytch's own limits are not published; these are the provider's.
//
// Every response carries a request_id (request-id-test-<uuid>), the status
// code in the body, Content-Type application/json, and is valid against the
// spec in strict mode (tested). Errors carry error_url
// https://stytch.com/docs/api/errors/<status>. Timestamps are RFC 3339 in UTC
// with whole seconds.
package provider
