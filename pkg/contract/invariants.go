package contract

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// An invariant is a rule of the real API that no schema can
// express. Each is stated once, here. Invariants that follow from the
// request itself (echoes of the status and of the path's IDs) run in every
// mode; those about the API's behaviour (status values, URL shapes,
// certificate dates) run in strict mode only, since Stytch may widen them.
type invariant struct {
	name   string
	strict bool
	// reads lists the response body pointers the rule needs ("*" is any
	// array index); the body walker captures them in its single pass.
	reads []string
	check func(ic *invariantInput) []Violation
}

// invariantInput is what an invariant sees of a pair.
type invariantInput struct {
	op string // the operation's ID, for violations
	// key is the operation's method and path template, parameter names
	// left out (see operationKey): rules about one operation compare it
	// with keySAML or keyExternal, so that they hold with any spec
	// describing the operation (Stytch's names it
	// api_sso_v1_sso_saml_UpdateConnection), whatever its operationIds.
	key    string
	params map[string]string
	pair   *Pair
	caps   []capture
}

func (ic *invariantInput) str(key string) (string, bool) {
	for _, c := range ic.caps {
		if c.key == key && c.isStr {
			return c.str, true
		}
	}
	return "", false
}

func (ic *invariantInput) num(key string) (float64, bool) {
	for _, c := range ic.caps {
		if c.key == key && c.isNum {
			return c.num, true
		}
	}
	return 0, false
}

func (ic *invariantInput) violation(loc, msg string) Violation {
	return Violation{Operation: ic.op, Side: SideResponse, Kind: KindInvariant, Location: loc, Message: msg}
}

func (ic *invariantInput) ok() bool {
	return ic.pair.StatusCode >= 200 && ic.pair.StatusCode < 300
}

// Keys of the two operations (operationKey of names.SAMLConnectionPath and
// names.ExternalConnectionPath with PUT).
const (
	keySAML     = "PUT /v1/b2b/sso/saml/{}/connections/{}"
	keyExternal = "PUT /v1/b2b/sso/external/{}/connections/{}"
)

const (
	ptrStatusCode   = "/status_code"
	ptrConnID       = "/connection/connection_id"
	ptrOrgID        = "/connection/organization_id"
	ptrStatus       = "/connection/status"
	ptrACSURL       = "/connection/acs_url"
	ptrAudienceURI  = "/connection/audience_uri"
	ptrIDPSSOURL    = "/connection/idp_sso_url"
	ptrIDPEntityID  = "/connection/idp_entity_id"
	ptrSigningCerts = "/connection/signing_certificates/*/"
	ptrVerifyCerts  = "/connection/verification_certificates/*/"
)

// invariants is the list of rules, in the order they are checked.
var invariants = []invariant{
	{
		name:  "status_code echoes the HTTP status",
		reads: []string{ptrStatusCode},
		check: func(ic *invariantInput) []Violation {
			got, ok := ic.num(ptrStatusCode)
			if !ok || int(got) == ic.pair.StatusCode {
				return nil
			}
			return []Violation{ic.violation(ptrStatusCode, "status_code differs from the HTTP status "+strconv.Itoa(ic.pair.StatusCode))}
		},
	},
	{
		name:  "the connection is the one the path names",
		reads: []string{ptrConnID},
		check: func(ic *invariantInput) []Violation {
			want, inPath := ic.params["connection_id"]
			got, inBody := ic.str(ptrConnID)
			if !ic.ok() || !inPath || !inBody || got == want {
				return nil
			}
			return []Violation{ic.violation(ptrConnID, "connection_id differs from the path's connection_id")}
		},
	},
	{
		// organization_id in the path may be a slug or an external ID;
		// only an organization ID can be compared.
		name:  "the organization is the one the path names",
		reads: []string{ptrOrgID},
		check: func(ic *invariantInput) []Violation {
			want, inPath := ic.params["organization_id"]
			got, inBody := ic.str(ptrOrgID)
			if !ic.ok() || !inPath || !inBody || !strings.HasPrefix(want, "organization-") || got == want {
				return nil
			}
			return []Violation{ic.violation(ptrOrgID, "organization_id differs from the organization ID in the path")}
		},
	},
	{
		name:   "a SAML connection is pending or active, and active only when its IdP settings are set",
		strict: true,
		reads:  []string{ptrStatus, ptrIDPSSOURL, ptrIDPEntityID},
		check: func(ic *invariantInput) []Violation {
			status, ok := ic.str(ptrStatus)
			if ic.key != keySAML || !ic.ok() || !ok {
				return nil
			}
			switch status {
			case "pending":
				return nil
			case "active":
				var out []Violation
				for _, p := range []string{ptrIDPSSOURL, ptrIDPEntityID} {
					if s, ok := ic.str(p); ok && s == "" {
						out = append(out, ic.violation(p, "is empty although the connection is active"))
					}
				}
				return out
			}
			return []Violation{ic.violation(ptrStatus, "a SAML connection's status is pending or active")}
		},
	},
	{
		name:   "an External connection is active",
		strict: true,
		reads:  []string{ptrStatus},
		check: func(ic *invariantInput) []Violation {
			status, ok := ic.str(ptrStatus)
			if ic.key != keyExternal || !ic.ok() || !ok || status == "active" {
				return nil
			}
			return []Violation{ic.violation(ptrStatus, "an External connection's status is always active")}
		},
	},
	{
		name:   "acs_url and audience_uri end with the connection ID",
		strict: true,
		reads:  []string{ptrACSURL, ptrAudienceURI, ptrConnID},
		check: func(ic *invariantInput) []Violation {
			id, ok := ic.str(ptrConnID)
			if !ic.ok() || !ok || id == "" {
				return nil
			}
			var out []Violation
			for _, p := range []string{ptrACSURL, ptrAudienceURI} {
				if s, ok := ic.str(p); ok && !strings.HasSuffix(s, "/"+id) {
					out = append(out, ic.violation(p, "does not end with the connection's ID"))
				}
			}
			return out
		},
	},
	{
		name:   "a certificate expires after it was created",
		strict: true,
		reads: []string{
			ptrSigningCerts + "created_at", ptrSigningCerts + "expires_at",
			ptrVerifyCerts + "created_at", ptrVerifyCerts + "expires_at",
		},
		check: func(ic *invariantInput) []Violation {
			var out []Violation
			for _, prefix := range []string{ptrSigningCerts, ptrVerifyCerts} {
				created := map[int]time.Time{}
				createdKey, expiresKey := prefix+"created_at", prefix+"expires_at"
				for _, c := range ic.caps {
					if c.key == createdKey && c.isStr {
						if t, err := time.Parse(time.RFC3339Nano, c.str); err == nil {
							created[c.idx] = t
						}
					}
				}
				for _, c := range ic.caps {
					if c.key != expiresKey || !c.isStr {
						continue
					}
					exp, err := time.Parse(time.RFC3339Nano, c.str)
					cr, ok := created[c.idx]
					if err == nil && ok && !exp.After(cr) {
						loc := strings.Replace(prefix, "*", strconv.Itoa(c.idx), 1) + "expires_at"
						out = append(out, ic.violation(loc, "expires_at is not after created_at"))
					}
				}
			}
			return out
		},
	},
}

// invariantPointers lists every pointer an invariant reads.
func invariantPointers() []string {
	var out []string
	for _, inv := range invariants {
		out = append(out, inv.reads...)
	}
	return out
}

// checkInvariants runs the invariants that apply in this mode, and in
// strict mode the check of undeclared Stytch headers (headers.go).
func checkInvariants(o *operation, strict bool, params map[string]string, p *Pair, reqHeader http.Header, caps []capture) []Violation {
	var out []Violation
	if strict {
		out = undeclaredHeaders(o, reqHeader)
	}
	if len(caps) == 0 {
		return out
	}
	ic := &invariantInput{op: o.id, key: o.key, params: params, pair: p, caps: caps}
	for _, inv := range invariants {
		if inv.strict && !strict {
			continue
		}
		out = append(out, inv.check(ic)...)
	}
	return out
}
