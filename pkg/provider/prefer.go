package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stytchsso/stytchsso/api/names"
)

// PreferHeader is the request header that steers the provider, as Prism's
// mock server is steered: "Prefer: code=429" asks for that status (see
// [Provider.ServeHTTP]). The provider answers such a request with
// [PreferenceAppliedHeader] set to "code=429" (RFC 7240), so a test can tell
// a status it asked for from one it earned.
const PreferHeader = "Prefer"

// PreferenceAppliedHeader is the response header naming the preference the
// provider honoured, such as "code=429".
const PreferenceAppliedHeader = "Preference-Applied"

// declaredStatuses lists, in ascending order, the HTTP statuses op declares
// (ranges such as 4XX and the default response are not statuses one can ask
// for).
func declaredStatuses(op *openapi3.Operation) []int {
	var out []int
	for code := range op.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && len(code) == 3 {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// preferredCode reads the code preference of the Prefer headers: present is
// false when none asks for a code; raw is the value as sent (quotes
// removed), for messages. Preferences are comma-separated, each
// name[=value] with optional ;parameters (RFC 7240); names are
// case-insensitive and the first code preference wins.
func preferredCode(h http.Header) (raw string, present bool) {
	for _, line := range h.Values(PreferHeader) {
		for _, pref := range strings.Split(line, ",") {
			pref, _, _ = strings.Cut(pref, ";")
			name, value, _ := strings.Cut(pref, "=")
			if strings.EqualFold(strings.TrimSpace(name), "code") {
				return strings.Trim(strings.TrimSpace(value), `"`), true
			}
		}
	}
	return "", false
}

// preferredError is the answer to a request that asked for status code of
// an operation of kind: the error Stytch answers with that status (429 with
// Retry-After), or, for a declared error status the provider has no
// Stytch-like answer for, a generic one. It returns nil for 200, which is
// answered with the connection as it stands.
func preferredError(kind connKind, code int) *apiError {
	switch code {
	case http.StatusOK:
		return nil
	case http.StatusBadRequest:
		return badRequest("bad_request", "The request was refused because it asked for it with Prefer: code=400.", "")
	case http.StatusUnauthorized:
		return errUnauthorized()
	case http.StatusForbidden:
		return errSessionNotAllowed()
	case http.StatusNotFound:
		if kind == kindSAML {
			return errSAMLNotFound()
		}
		return errExternalNotFound()
	case http.StatusTooManyRequests:
		return errTooManyRequests()
	case http.StatusInternalServerError:
		return errInternal()
	}
	typ := strings.ReplaceAll(strings.ToLower(http.StatusText(code)), " ", "_")
	if typ == "" {
		typ = "error"
	}
	return &apiError{status: code, typ: typ, msg: fmt.Sprintf("Answered with %d because the request asked for it with Prefer: code=%d.", code, code)}
}

// checkPreference reads the Prefer header of a request for an operation
// declaring statuses. It returns the status asked for (0 when none is), or
// a 400 naming what is wrong: a code that is not a number, a status the
// operation does not declare (listing those it does), or one the provider
// cannot answer on demand (a declared success other than 200).
func checkPreference(r *http.Request, opID string, statuses []int) (int, *apiError) {
	raw, present := preferredCode(r.Header)
	if !present {
		return 0, nil
	}
	declared := make([]string, len(statuses))
	for i, s := range statuses {
		declared[i] = strconv.Itoa(s)
	}
	list := strings.Join(declared, ", ")
	code, err := strconv.Atoi(raw)
	if err != nil || code < 100 || code > 999 {
		return 0, badRequest("bad_request", fmt.Sprintf("The code in the Prefer header is not a number; for %s, declared: %s.", opID, list), "")
	}
	if !slices.Contains(statuses, code) {
		return 0, badRequest("bad_request", fmt.Sprintf("The Prefer header asks for code=%d, which %s does not declare; declared: %s.", code, opID, list), "")
	}
	if code != http.StatusOK && code < 400 {
		return 0, badRequest("bad_request", fmt.Sprintf("The Prefer header asks for code=%d; the provider can answer only 200 and error statuses on demand.", code), "")
	}
	return code, nil
}

// answerPreference answers a request whose Prefer header asks for a status
// and reports whether it did: the status asked for (the connection as it
// stands for 200, nothing applied), or a 400 when the preference cannot be
// honoured. A request without a code preference is left alone.
func (p *Provider) answerPreference(w http.ResponseWriter, r *http.Request, reqID string, kind connKind, orgKey, connID string) bool {
	opID, statuses := names.OperationUpdateSAMLConnection, p.samlStatuses
	if kind == kindExternal {
		opID, statuses = names.OperationUpdateExternalConnection, p.externalStatuses
	}
	code, e := checkPreference(r, opID, statuses)
	switch {
	case e != nil:
		p.writeError(w, reqID, e)
		return true
	case code == 0:
		return false
	}
	w.Header().Set(PreferenceAppliedHeader, "code="+strconv.Itoa(code))
	e = preferredError(kind, code)
	if e == nil {
		// An empty update answers the connection as it stands.
		p.update(w, reqID, kind, orgKey, connID, nil)
		return true
	}
	if code == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	p.writeError(w, reqID, e)
	return true
}
