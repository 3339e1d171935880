package sso

import "github.com/stytchsso/stytchsso/gen/stytchsso"

// The types a caller builds or reads, so that one import of this package is
// enough. They are aliases: the same types as in package gen/stytchsso.
type (
	// SAMLConnectionUpdate is the body of a SAML connection update. Every
	// field is a pointer: nil leaves the setting unchanged, [Ptr](false) or
	// [Ptr]("") sets it to false or empty, and [EmptyList] clears a list.
	SAMLConnectionUpdate = stytchsso.UpdateSAMLConnectionRequest
	// ExternalConnectionUpdate is the body of an External connection update,
	// with the same pointer conventions as [SAMLConnectionUpdate].
	ExternalConnectionUpdate = stytchsso.UpdateExternalConnectionRequest

	// SAMLConnection is a SAML connection as Stytch returns it.
	SAMLConnection = stytchsso.SAMLConnection
	// ExternalConnection is an External SSO connection as Stytch returns it.
	ExternalConnection = stytchsso.ExternalConnection
	// X509Certificate is a certificate of a SAML connection.
	X509Certificate = stytchsso.X509Certificate
	// EncryptionPrivateKey is a SAML connection's encryption key.
	EncryptionPrivateKey = stytchsso.EncryptionPrivateKey

	// IdentityProvider is the kind of a SAML identity provider.
	IdentityProvider = stytchsso.IdentityProvider
	// AttributeMapping maps Stytch's member attributes to the IdP's names.
	AttributeMapping = stytchsso.AttributeMapping

	// SAMLConnectionImplicitRoleAssignment gives a role to every member who
	// logs in through the SAML connection.
	SAMLConnectionImplicitRoleAssignment = stytchsso.SAMLConnectionImplicitRoleAssignment
	// SAMLGroupImplicitRoleAssignment gives a role to the members of an IdP
	// group who log in through the SAML connection.
	SAMLGroupImplicitRoleAssignment = stytchsso.SAMLGroupImplicitRoleAssignment
	// ConnectionImplicitRoleAssignment gives a role to every member who logs
	// in through the External connection.
	ConnectionImplicitRoleAssignment = stytchsso.ConnectionImplicitRoleAssignment
	// GroupImplicitRoleAssignment gives a role to the members of a group who
	// log in through the External connection.
	GroupImplicitRoleAssignment = stytchsso.GroupImplicitRoleAssignment
)

// The identity providers Stytch knows, for [SAMLConnectionUpdate]'s
// IdentityProvider: sso.Ptr(sso.IdentityProviderOkta).
const (
	IdentityProviderClasslink       = stytchsso.IdentityProviderClasslink
	IdentityProviderCyberark        = stytchsso.IdentityProviderCyberark
	IdentityProviderDuo             = stytchsso.IdentityProviderDuo
	IdentityProviderGeneric         = stytchsso.IdentityProviderGeneric
	IdentityProviderGoogleWorkspace = stytchsso.IdentityProviderGoogleWorkspace
	IdentityProviderJumpcloud       = stytchsso.IdentityProviderJumpcloud
	IdentityProviderKeycloak        = stytchsso.IdentityProviderKeycloak
	IdentityProviderMicrosoftEntra  = stytchsso.IdentityProviderMicrosoftEntra
	IdentityProviderMiniorange      = stytchsso.IdentityProviderMiniorange
	IdentityProviderOkta            = stytchsso.IdentityProviderOkta
	IdentityProviderOnelogin        = stytchsso.IdentityProviderOnelogin
	IdentityProviderPingfederate    = stytchsso.IdentityProviderPingfederate
	IdentityProviderRippling        = stytchsso.IdentityProviderRippling
	IdentityProviderSalesforce      = stytchsso.IdentityProviderSalesforce
	IdentityProviderShibboleth      = stytchsso.IdentityProviderShibboleth
)
