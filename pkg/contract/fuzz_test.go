package contract

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func FuzzValidate(f *testing.F) {
	p := samlPair(&testing.T{})
	f.Add("PUT", p.URL, "application/json", string(p.RequestBody), 200, "application/json", string(p.ResponseBody), "")
	f.Add("PUT", "/v1/b2b/sso/external/o/connections/c", "application/json", `{"display_name":`+`"`+canary+`"}`, 400, "application/json", `{"status_code":"`+canary+`"}`, canary)
	f.Add("GET", "::", "", "", 0, "", "", "")
	f.Add("put", "/v1/b2b/sso/saml/%zz/connections/c", "text/plain", `[[[[`, 999, "application/problem+json", `{"a":{"b":[1,2,{"c":null}]}}`, "Basic !!")
	fast, err := New(WithStrict(true))
	require.NoError(f, err)
	loose, err := New()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, method, url, reqCT, reqBody string, status int, respCT, respBody, auth string) {
		// Put the canary into every value the pair carries.
		reqBody = strings.ReplaceAll(reqBody, "XX", canary)
		pair := &Pair{
			Method: method, URL: url,
			RequestHeader:  http.Header{"Content-Type": {reqCT}, "Authorization": {auth + canary}, "X-Stytch-Member-Session": {canary}},
			RequestBody:    []byte(reqBody),
			StatusCode:     status,
			ResponseHeader: http.Header{"Content-Type": {respCT}},
			ResponseBody:   []byte(respBody),
		}
		for _, v := range []*Validator{fast, loose} {
			for _, got := range v.Validate(context.Background(), pair) {
				if strings.Contains(method+url, canary) {
					continue // a canary in the method or path is the caller's own location
				}
				assert.NotContains(t, got.Message, canary)
				assert.NotContains(t, got.Message, "CANARY")
			}
		}
	})
}
