package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
)

// apiError is one Stytch-shaped error answer.
type apiError struct {
	status int
	typ    string
	msg    string
	field  string // named in error_details.field when set
}

func errRouteNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, typ: "route_not_found", msg: "The requested path does not exist."}
}
func errMethodNotAllowed() *apiError {
	return &apiError{status: http.StatusMethodNotAllowed, typ: "method_not_allowed", msg: "This path only accepts PUT."}
}
func errUnauthorized() *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: "unauthorized_credentials", msg: "Unauthorized credentials."}
}
func errTooManyRequests() *apiError {
	return &apiError{status: http.StatusTooManyRequests, typ: "too_many_requests", msg: "Too many requests have been made."}
}
func errInternal() *apiError {
	return &apiError{status: http.StatusInternalServerError, typ: "internal_server_error", msg: "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong."}
}
func errUnknownSession() *apiError {
	return &apiError{status: http.StatusForbidden, typ: "invalid_session_token", msg: "The member session token or JWT could not be found or has expired."}
}
func errSessionNotAllowed() *apiError {
	return &apiError{status: http.StatusForbidden, typ: "session_authorization_error", msg: "The member is not authorized to perform the update action on the stytch.sso resource."}
}
func errOrgNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, typ: "organization_not_found", msg: "The organization could not be found."}
}
func errSAMLNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, typ: "saml_connection_not_found", msg: "The SAML connection could not be found."}
}
func errExternalNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, typ: "external_connection_not_found", msg: "The External connection could not be found."}
}

func badRequest(typ, msg, field string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: typ, msg: msg, field: field}
}

// samlPrep holds what is parsed from a SAML request before the lock is taken:
// certificate and key parsing and signing are the slow part of an update.
type samlPrep struct {
	verification  *stytchsso.X509Certificate
	signing       *stytchsso.X509Certificate
	encryptionKey *stytchsso.EncryptionPrivateKey
}

func prepareSAML(req *stytchsso.UpdateSAMLConnectionRequest, now time.Time) (samlPrep, *apiError) {
	var prep samlPrep
	if req.X509Certificate != nil {
		c, err := parseCertificate(*req.X509Certificate, now)
		if err != nil {
			return prep, badRequest("invalid_x509_certificate", "The x509_certificate could not be parsed as a PEM certificate.", "x509_certificate")
		}
		prep.verification = &c
	}
	if req.SigningPrivateKey != nil {
		key, err := parseRSAKey(*req.SigningPrivateKey)
		if err != nil {
			return prep, badRequest("saml_signing_private_key_invalid", "The signing_private_key is not a PKCS#1 RSA private key in PEM form.", "signing_private_key")
		}
		c, err := signingCertificate(key, now)
		if err != nil {
			return prep, badRequest("saml_signing_private_key_invalid", "No signing certificate could be generated from the signing_private_key.", "signing_private_key")
		}
		prep.signing = &c
	}
	if req.SAMLEncryptionPrivateKey != nil {
		key, err := parseRSAKey(*req.SAMLEncryptionPrivateKey)
		if err != nil {
			return prep, badRequest("saml_encryption_private_key_invalid", "The saml_encryption_private_key is not a PKCS#1 RSA private key in PEM form.", "saml_encryption_private_key")
		}
		created := now
		prep.encryptionKey = &stytchsso.EncryptionPrivateKey{
			PrivateKeyID: "saml-encryption-private-key-test-" + uuid.NewString(),
			PrivateKey:   string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
			CreatedAt:    &created,
		}
	}
	if req.IDPSSOURL != nil && *req.IDPSSOURL != "" {
		u, err := url.Parse(*req.IDPSSOURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return prep, badRequest("saml_connection_idp_sso_url_not_https", "The idp_sso_url must be an https URL.", "idp_sso_url")
		}
	}
	if req.AttributeMapping != nil {
		raw, err := json.Marshal(*req.AttributeMapping)
		if err != nil {
			return prep, badRequest("bad_request", "The attribute_mapping could not be read.", "attribute_mapping")
		}
		if e := checkAttributeMapping(req.AttributeMapping, len(raw)); e != nil {
			return prep, e
		}
	}
	if req.SAMLConnectionImplicitRoleAssignments != nil {
		if e := checkRoleAssignments("saml_connection_implicit_role_assignments", len(*req.SAMLConnectionImplicitRoleAssignments)); e != nil {
			return prep, e
		}
		for i, a := range *req.SAMLConnectionImplicitRoleAssignments {
			if a.RoleID == "" {
				f := fmt.Sprintf("saml_connection_implicit_role_assignments.%d.role_id", i)
				return prep, badRequest("invalid_rbac_role_id", "The field "+f+" must name a role.", f)
			}
		}
	}
	if req.SAMLGroupImplicitRoleAssignments != nil {
		if e := checkRoleAssignments("saml_group_implicit_role_assignments", len(*req.SAMLGroupImplicitRoleAssignments)); e != nil {
			return prep, e
		}
		for i, a := range *req.SAMLGroupImplicitRoleAssignments {
			if a.RoleID == "" {
				f := fmt.Sprintf("saml_group_implicit_role_assignments.%d.role_id", i)
				return prep, badRequest("invalid_rbac_role_id", "The field "+f+" must name a role.", f)
			}
		}
	}
	return prep, nil
}

// applySAML applies a partial update to next (a copy of the stored state).
func applySAML(next *stytchsso.SAMLConnection, req *stytchsso.UpdateSAMLConnectionRequest, prep samlPrep) *apiError {
	setString(&next.IDPEntityID, req.IDPEntityID)
	setString(&next.DisplayName, req.DisplayName)
	setString(&next.IDPSSOURL, req.IDPSSOURL)
	setString(&next.AlternativeAudienceURI, req.AlternativeAudienceURI)
	setString(&next.NameIDFormat, req.NameIDFormat)
	setString(&next.AlternativeACSURL, req.AlternativeACSURL)
	if req.IdentityProvider != nil {
		next.IdentityProvider = string(*req.IdentityProvider)
	}
	if req.IDPInitiatedAuthDisabled != nil {
		next.IDPInitiatedAuthDisabled = *req.IDPInitiatedAuthDisabled
	}
	if req.AllowGatewayCallback != nil {
		next.AllowGatewayCallback = *req.AllowGatewayCallback
	}
	if req.AttributeMapping != nil {
		m := stytchsso.AttributeMapping(deepCopyMap(*req.AttributeMapping))
		next.AttributeMapping = &m
	}
	if req.SAMLConnectionImplicitRoleAssignments != nil {
		next.SAMLConnectionImplicitRoleAssignments = append([]stytchsso.SAMLConnectionImplicitRoleAssignment{}, *req.SAMLConnectionImplicitRoleAssignments...)
	}
	if req.SAMLGroupImplicitRoleAssignments != nil {
		next.SAMLGroupImplicitRoleAssignments = append([]stytchsso.SAMLGroupImplicitRoleAssignment{}, *req.SAMLGroupImplicitRoleAssignments...)
	}
	if len(next.SAMLGroupImplicitRoleAssignments) > 0 {
		if next.AttributeMapping == nil || (*next.AttributeMapping)["groups"] == nil {
			return badRequest("saml_connection_attribute_mapping_missing_groups_key",
				"Group role assignments need a groups key in the attribute_mapping.", "attribute_mapping")
		}
	}
	if c := prep.verification; c != nil {
		dup := slices.ContainsFunc(next.VerificationCertificates, func(have stytchsso.X509Certificate) bool {
			return have.Certificate == c.Certificate
		})
		if !dup {
			if len(next.VerificationCertificates) >= MaxVerificationCertificates {
				return badRequest("too_many_verification_certificates",
					fmt.Sprintf("The connection already holds %d verification certificates, the most it may.", MaxVerificationCertificates), "x509_certificate")
			}
			next.VerificationCertificates = append(next.VerificationCertificates, *c)
		}
	}
	if prep.signing != nil {
		next.SigningCertificates = []stytchsso.X509Certificate{*prep.signing}
	}
	if prep.encryptionKey != nil {
		if len(next.EncryptionPrivateKeys) >= MaxEncryptionPrivateKeys {
			return badRequest("too_many_encryption_private_keys",
				fmt.Sprintf("The connection already holds %d encryption private keys, the most it may.", MaxEncryptionPrivateKeys), "saml_encryption_private_key")
		}
		next.EncryptionPrivateKeys = append(next.EncryptionPrivateKeys, *prep.encryptionKey)
	}
	next.Status = "pending"
	if next.IDPSSOURL != "" && next.IDPEntityID != "" && next.AttributeMapping != nil &&
		len(*next.AttributeMapping) > 0 && len(next.VerificationCertificates) > 0 {
		next.Status = "active"
	}
	return nil
}

func checkExternal(req *stytchsso.UpdateExternalConnectionRequest) *apiError {
	if req.ExternalConnectionImplicitRoleAssignments != nil {
		if e := checkRoleAssignments("external_connection_implicit_role_assignments", len(*req.ExternalConnectionImplicitRoleAssignments)); e != nil {
			return e
		}
		for i, a := range *req.ExternalConnectionImplicitRoleAssignments {
			if a.RoleID == "" {
				f := fmt.Sprintf("external_connection_implicit_role_assignments.%d.role_id", i)
				return badRequest("invalid_rbac_role_id", "The field "+f+" must name a role.", f)
			}
		}
	}
	if req.ExternalGroupImplicitRoleAssignments != nil {
		if e := checkRoleAssignments("external_group_implicit_role_assignments", len(*req.ExternalGroupImplicitRoleAssignments)); e != nil {
			return e
		}
		for i, a := range *req.ExternalGroupImplicitRoleAssignments {
			if a.RoleID == "" {
				f := fmt.Sprintf("external_group_implicit_role_assignments.%d.role_id", i)
				return badRequest("invalid_rbac_role_id", "The field "+f+" must name a role.", f)
			}
		}
	}
	return nil
}

func applyExternal(next *stytchsso.ExternalConnection, req *stytchsso.UpdateExternalConnectionRequest) {
	setString(&next.DisplayName, req.DisplayName)
	if req.ExternalConnectionImplicitRoleAssignments != nil {
		next.ExternalConnectionImplicitRoleAssignments = append([]stytchsso.ConnectionImplicitRoleAssignment{}, *req.ExternalConnectionImplicitRoleAssignments...)
	}
	if req.ExternalGroupImplicitRoleAssignments != nil {
		next.ExternalGroupImplicitRoleAssignments = append([]stytchsso.GroupImplicitRoleAssignment{}, *req.ExternalGroupImplicitRoleAssignments...)
	}
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func parseCertificate(s string, now time.Time) (stytchsso.X509Certificate, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil || block.Type != "CERTIFICATE" {
		return stytchsso.X509Certificate{}, fmt.Errorf("no PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return stytchsso.X509Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	issuer := cert.Issuer.CommonName
	if issuer == "" {
		issuer = cert.Issuer.String()
	}
	created, updated := now, now
	expires := cert.NotAfter.UTC().Truncate(time.Second)
	return stytchsso.X509Certificate{
		CertificateID: "saml-certificate-test-" + uuid.NewString(),
		Certificate:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
		Issuer:        issuer,
		CreatedAt:     &created,
		ExpiresAt:     &expires,
		UpdatedAt:     &updated,
	}, nil
}

func parseRSAKey(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil || block.Type != "RSA PRIVATE KEY" {
		return nil, fmt.Errorf("no PEM RSA PRIVATE KEY block")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse PKCS#1 key: %w", err)
	}
	return key, nil
}

// signingCertificate makes the self-signed certificate Stytch derives from a
// signing key, valid ten years.
func signingCertificate(key *rsa.PrivateKey, now time.Time) (stytchsso.X509Certificate, error) {
	return selfSigned(key, &key.PublicKey, now, "saml-certificate-test-"+uuid.NewString())
}

// seedSigningCertificate makes the seeded connection's signing certificate.
// Stytch lists such a certificate with an empty certificate_id; so does the
// seed. ECDSA keeps New fast.
func seedSigningCertificate(now time.Time) (stytchsso.X509Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return stytchsso.X509Certificate{}, fmt.Errorf("provider: generate seed signing key: %w", err)
	}
	return selfSigned(key, &key.PublicKey, now, "")
}

func selfSigned(priv, pub any, now time.Time, id string) (stytchsso.X509Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return stytchsso.X509Certificate{}, fmt.Errorf("provider: certificate serial: %w", err)
	}
	name := pkix.Name{CommonName: "Stytch", Organization: []string{"Stytch"}}
	expires := now.AddDate(10, 0, 0)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		Issuer:                name,
		NotBefore:             now,
		NotAfter:              expires,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		return stytchsso.X509Certificate{}, fmt.Errorf("provider: create certificate: %w", err)
	}
	created, updated := now, now
	return stytchsso.X509Certificate{
		CertificateID: id,
		Certificate:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Issuer:        "Stytch",
		CreatedAt:     &created,
		ExpiresAt:     &expires,
		UpdatedAt:     &updated,
	}, nil
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func cloneCerts(in []stytchsso.X509Certificate) []stytchsso.X509Certificate {
	out := make([]stytchsso.X509Certificate, len(in))
	for i, c := range in {
		c.CreatedAt, c.ExpiresAt, c.UpdatedAt = cloneTime(c.CreatedAt), cloneTime(c.ExpiresAt), cloneTime(c.UpdatedAt)
		out[i] = c
	}
	return out
}

func cloneSAML(c *stytchsso.SAMLConnection) stytchsso.SAMLConnection {
	out := *c
	out.SigningCertificates = cloneCerts(c.SigningCertificates)
	out.VerificationCertificates = cloneCerts(c.VerificationCertificates)
	out.EncryptionPrivateKeys = make([]stytchsso.EncryptionPrivateKey, len(c.EncryptionPrivateKeys))
	for i, k := range c.EncryptionPrivateKeys {
		k.CreatedAt = cloneTime(k.CreatedAt)
		out.EncryptionPrivateKeys[i] = k
	}
	out.SAMLConnectionImplicitRoleAssignments = append([]stytchsso.SAMLConnectionImplicitRoleAssignment{}, c.SAMLConnectionImplicitRoleAssignments...)
	out.SAMLGroupImplicitRoleAssignments = append([]stytchsso.SAMLGroupImplicitRoleAssignment{}, c.SAMLGroupImplicitRoleAssignments...)
	if c.AttributeMapping != nil {
		m := stytchsso.AttributeMapping(deepCopyMap(*c.AttributeMapping))
		out.AttributeMapping = &m
	}
	return out
}

// deepCopyMap copies a decoded JSON object, nested values included.
func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyJSON(v)
	}
	return out
}

func deepCopyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopyJSON(e)
		}
		return out
	default:
		return v
	}
}

func cloneExternal(c *stytchsso.ExternalConnection) stytchsso.ExternalConnection {
	out := *c
	out.ExternalConnectionImplicitRoleAssignments = append([]stytchsso.ConnectionImplicitRoleAssignment{}, c.ExternalConnectionImplicitRoleAssignments...)
	out.ExternalGroupImplicitRoleAssignments = append([]stytchsso.GroupImplicitRoleAssignment{}, c.ExternalGroupImplicitRoleAssignments...)
	return out
}
