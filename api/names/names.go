// Package names declares, once, the names the spec gives the two operations
// and their headers, for every package of this module that needs them. It
// imports nothing, so the client can use it without linking the spec's
// parser (package api does).
package names

// Path templates of the two operations, as they appear in the spec.
const (
	SAMLConnectionPath     = "/v1/b2b/sso/saml/{organization_id}/connections/{connection_id}"
	ExternalConnectionPath = "/v1/b2b/sso/external/{organization_id}/connections/{connection_id}"
)

// Operation IDs of the two operations.
const (
	OperationUpdateSAMLConnection     = "UpdateSAMLConnection"
	OperationUpdateExternalConnection = "UpdateExternalConnection"
)

// The member session headers: a member's session token or session JWT, with
// which Stytch checks that the member may update SSO connections.
const (
	HeaderMemberSession    = "X-Stytch-Member-Session"
	HeaderMemberSessionJWT = "X-Stytch-Member-SessionJWT"
)
