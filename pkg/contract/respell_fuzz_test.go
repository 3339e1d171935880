package contract

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// respellBases are the URLs FuzzRouteRespelling respells: a clean SAML
// update, with a drift, and near misses of it, each spelled plainly.
func respellBases() []string {
	const host = "https://test.stytch.com"
	rest := "/" + testOrgID + "/connections/" + testSAMLID
	return []string{
		host + "/v1/b2b/sso/saml" + rest,
		host + "/v1/b2b/sso/saml" + rest + "/",
		host + "/v1/b2b//sso/saml" + rest,
		host + "/v1/./b2b/sso/saml" + rest,
		host + "/v1/b2b/sso/external/../saml" + rest,
		host + "/v1/b2b/sso/saml/./connections/" + testSAMLID,
		host + "/v1/b2b/sso%2Fsaml" + rest,
		host + "/v1/b2b/sso/saml;x=1" + rest,
		host + "/v1/b2b/sso/saml/org%2Fé/connections/" + testSAMLID,
		host + "/v1/b2b/sso/oidc" + rest,
	}
}

// respell returns an RFC 3986 equivalent of u, an absolute URL whose host
// is test.stytch.com, steered by ops, two bytes per change: percent-encode
// an unreserved character of the path (upper- or lower-case hex) or a byte
// of a non-ASCII one (as a client sends it), decode an escape of an
// unreserved character, change the case of an escape's hex digits,
// upper-case or percent-encode a character of the host, name the default
// port, add an empty query or fragment.
func respell(u string, ops []byte) string {
	const host = "test.stytch.com"
	scheme, rest, _ := strings.Cut(u, "://")
	h, path := rest[:len(host)], rest[len(host):]
	port, tail := "", ""
	for i := 0; i+1 < len(ops); i += 2 {
		op, arg := ops[i]%6, int(ops[i+1])
		switch op {
		case 0, 1, 2: // a change to the path at (or after) arg
			for k := range len(path) {
				j := (arg + k) % len(path)
				if j >= 1 && path[j-1] == '%' || j >= 2 && path[j-2] == '%' {
					continue // inside an escape
				}
				c := path[j]
				if op == 0 && (isUnreserved(c) || c >= 0x80) {
					format := "%%%02X"
					if arg&1 == 1 {
						format = "%%%02x"
					}
					path = path[:j] + fmt.Sprintf(format, c) + path[j+1:]
					break
				}
				if c == '%' && j+2 < len(path) {
					d := unhex(path[j+1])<<4 | unhex(path[j+2])
					if op == 1 && isUnreserved(d) {
						path = path[:j] + string(d) + path[j+3:]
						break
					}
					if op == 2 {
						esc := path[j+1 : j+3]
						if flipped := strings.ToLower(esc); flipped != esc {
							esc = flipped
						} else {
							esc = strings.ToUpper(esc)
						}
						path = path[:j+1] + esc + path[j+3:]
						break
					}
				}
			}
		case 3: // upper-case or percent-encode a character of the host
			for k := range len(h) {
				j := (arg + k) % len(h)
				if j >= 1 && h[j-1] == '%' || j >= 2 && h[j-2] == '%' || h[j] == '%' {
					continue
				}
				if arg&1 == 0 && 'a' <= h[j] && h[j] <= 'z' {
					h = h[:j] + string(h[j]-('a'-'A')) + h[j+1:]
				} else {
					h = h[:j] + fmt.Sprintf("%%%02X", h[j]) + h[j+1:]
				}
				break
			}
		case 4:
			port = ":443"
		case 5:
			tail = []string{"?", "#", "?q=1#f"}[arg%3]
		}
	}
	return scheme + "://" + h + port + path + tail
}

// FuzzRouteRespelling: however a URL is respelled within RFC 3986
// equivalence, its route and its violations, in both modes, are those of
// its plain spelling; only the path reported (as sent) may differ.
func FuzzRouteRespelling(f *testing.F) {
	f.Add(uint8(0), []byte{0, 5, 0, 17, 0, 40})
	f.Add(uint8(1), []byte{0, 1, 3, 2, 4, 0, 5, 2})
	f.Add(uint8(5), []byte{0, 22, 0, 23, 2, 22})
	f.Add(uint8(6), []byte{2, 14, 0, 3, 1, 14})
	f.Add(uint8(7), []byte{0, 19, 0, 20, 5, 1})
	f.Add(uint8(8), []byte{0, 30, 2, 24, 1, 0})
	f.Add(uint8(4), []byte{0, 25, 0, 26, 0, 27})
	f.Add(uint8(8), []byte{0, 23, 0, 26})
	f.Add(uint8(9), []byte{3, 1, 3, 4, 3, 7})
	strict, err := New(WithStrict(true))
	require.NoError(f, err)
	lax, err := New()
	require.NoError(f, err)
	bases := respellBases()
	base := samlPair(&testing.T{})
	base.RequestBody = []byte(strings.Replace(string(base.RequestBody), `{`, `{"brand_new_field":1,`, 1))
	type seen struct {
		Route      Route
		Violations []string
	}
	look := func(v *Validator, u string) seen {
		p := *base
		p.URL = u
		res := v.Check(context.Background(), &p)
		res.Route.Path = ""
		var vs []string
		for _, vi := range res.Violations {
			vs = append(vs, fmt.Sprintf("%s %s %s %s", vi.Side, vi.Kind, vi.Location, vi.Message))
		}
		return seen{res.Route, vs}
	}
	f.Fuzz(func(t *testing.T, which uint8, ops []byte) {
		plain := bases[int(which)%len(bases)]
		u := respell(plain, ops)
		for _, v := range []*Validator{strict, lax} {
			require.Equal(t, look(v, plain), look(v, u), "%s\nrespelled %s", plain, u)
		}
	})
}
