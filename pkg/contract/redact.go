package contract

import (
	"net/http"
	"strings"
	"sync"

	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/internal/scrub"
)

// Redaction of violations.
//
// A violation names what the peer chose: an undeclared field's name, a
// header's name, a key of a map. A server that echoes a secret as a field
// name would get it into the Checker's log, its OnViolation callback and a
// *ViolationError, so every text field of a violation goes through
// redactText before the validator returns it. The validator does not know
// the secrets (one validator serves many clients): the pair brings them,
// as Pair.Redact. What has the shape of a private key, a JWT or a session
// token is removed whoever it belongs to, with or without Pair.Redact:
// a capture checked in CI (where reports end up in logs and code-scanning
// alerts) gets that much even though no secret is known, and no real field
// or header name has such a shape.

// redactAll redacts every text field of vs in place, for the pair p, and
// returns vs. It is called only when there are violations.
func redactAll(p *Pair, vs []Violation) []Violation {
	for i := range vs {
		v := &vs[i]
		v.Method = redactText(p, v.Method)
		v.Path = redactText(p, v.Path)
		v.Operation = redactText(p, v.Operation)
		v.Location = redactText(p, removePointerShapes(v.Location))
		v.Message = redactText(p, v.Message)
	}
	return vs
}

// redactText returns s without shapes of secrets and, when p has one,
// passed through p.Redact; the result is escaped as the validator escapes
// what it quotes (a redactor may return anything).
func redactText(p *Pair, s string) string {
	if s == "" {
		return s
	}
	s = scrub.RemoveShapes(s)
	if p.Redact != nil {
		s = Escape(p.Redact(s))
	}
	return s
}

// removePointerShapes removes the shapes of secrets from each segment of a
// location that is a JSON pointer: its segments are names of their own,
// and the '/' between them would otherwise make a token look like a part
// of a longer base64 text.
func removePointerShapes(loc string) string {
	if !strings.HasPrefix(loc, "/") || len(loc) < 44 {
		return loc
	}
	segs := strings.Split(loc, "/")
	for i, s := range segs {
		segs[i] = scrub.RemoveShapes(s)
	}
	return strings.Join(segs, "/")
}

// credentialRedactor returns a Pair.Redact for a request sent with header
// h: it removes the credentials the request carries (the Basic password
// and credential, the member session token and JWT), in every encoding.
// The validating Transport knows no other secret. The scrubber is built on
// the first call only, that is for a pair with violations. nil when h
// carries no credential.
func credentialRedactor(h http.Header) func(string) string {
	var secrets []string
	if user, pass, ok := (&http.Request{Header: h}).BasicAuth(); ok {
		secrets = append(secrets, pass, scrub.BasicCredential(user, pass))
	}
	for _, name := range []string{names.HeaderMemberSession, names.HeaderMemberSessionJWT} {
		if v := h.Get(name); v != "" {
			secrets = append(secrets, v)
		}
	}
	if len(secrets) == 0 {
		return nil
	}
	sc := sync.OnceValue(func() *scrub.Scrubber { return scrub.New(secrets...) })
	return func(s string) string { return sc().Scrub(s) }
}
