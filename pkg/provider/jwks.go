package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// JWKSPathPrefix is the path of the B2B session JWKS without the project
// ID: GET JWKSPathPrefix + projectID answers the provider's JSON Web Key Set.
const JWKSPathPrefix = "/v1/b2b/sessions/jwks/"

// jwksKeyBits is the size of the provider's RSA session signing key, as
// Stytch's.
const jwksKeyBits = 2048

// jwk is one RSA public key in a JSON Web Key Set.
type jwk struct {
	Alg    string   `json:"alg"`
	E      string   `json:"e"`
	KeyOps []string `json:"key_ops"`
	Kid    string   `json:"kid"`
	Kty    string   `json:"kty"`
	N      string   `json:"n"`
	Use    string   `json:"use"`
}

// jwksResponse is Stytch's answer to the JWKS route.
type jwksResponse struct {
	Keys       []jwk  `json:"keys"`
	RequestID  string `json:"request_id"`
	StatusCode int    `json:"status_code"`
}

// sessionKey returns the provider's session signing key and its key ID,
// generating them on first use (so that New stays fast for the many tests
// that never ask).
func (p *Provider) sessionKey() (*rsa.PrivateKey, string, error) {
	p.keyOnce.Do(func() {
		p.key, p.keyErr = rsa.GenerateKey(rand.Reader, jwksKeyBits)
		p.keyID = "jwk-test-" + uuid.NewString()
		if p.keyErr != nil {
			p.keyErr = fmt.Errorf("provider: generate session signing key: %w", p.keyErr)
		}
	})
	return p.key, p.keyID, p.keyErr
}

// SessionSigningKey returns the RSA key whose public half the JWKS route
// publishes (kid is its key ID), so a test can sign member session JWTs that
// a client verifying against the provider's JWKS accepts.
func (p *Provider) SessionSigningKey() (key *rsa.PrivateKey, kid string, err error) {
	return p.sessionKey()
}

// jwksProject matches the JWKS path; ok is false for any other path.
func jwksProject(u *url.URL) (project string, ok bool) {
	rest, found := strings.CutPrefix(u.EscapedPath(), JWKSPathPrefix)
	if !found || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	project, err := url.PathUnescape(rest)
	if err != nil || project == "" {
		return "", false
	}
	return project, true
}

// serveJWKS answers GET /v1/b2b/sessions/jwks/{project_id} as Stytch does:
// without authentication (Stytch's Go SDK fetches it with no Authorization
// header, and a key set holds only public keys), the project must be the
// provider's (else 404 project_not_found), and the body is
// {"keys":[...],"request_id":...,"status_code":200}.
func (p *Provider) serveJWKS(w http.ResponseWriter, r *http.Request, reqID, project string) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		p.writeError(w, reqID, &apiError{status: http.StatusMethodNotAllowed, typ: "method_not_allowed", msg: "This path only accepts GET."})
		return
	}
	if project != p.projectID {
		p.writeError(w, reqID, &apiError{status: http.StatusNotFound, typ: "project_not_found", msg: "The project in the path could not be found."})
		return
	}
	key, kid, err := p.sessionKey()
	if err != nil {
		p.writeError(w, reqID, errInternal())
		return
	}
	out, err := json.Marshal(jwksResponse{
		Keys: []jwk{{
			Alg:    "RS256",
			E:      base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
			KeyOps: []string{"verify"},
			Kid:    kid,
			Kty:    "RSA",
			N:      base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			Use:    "sig",
		}},
		RequestID:  reqID,
		StatusCode: http.StatusOK,
	})
	p.writeBody(w, http.StatusOK, out, err, reqID)
}
