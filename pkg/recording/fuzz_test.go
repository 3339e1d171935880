package recording_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stytchsso/stytchsso/pkg/recording"
)

// Canary secrets the fuzzer injects; a PEM key with newlines checks the
// escaped forms too. None of these is a real key.
const (
	fuzzSecret = "secret-test-fuzzcanary-6a1f9e"
	fuzzToken  = "session-token-fuzzcanary-20bd"
	fuzzPEM    = "-----BEGIN RSA PRIVATE KEY-----\nFUZZCANARYLINEONEabcdefghij\nFUZZCANARYLINETWOklmnopqrst\n-----END RSA PRIVATE KEY-----\n"
)

func insertAt(s, ins string, pos uint) string {
	p := int(pos % uint(len(s)+1))
	return s[:p] + ins + s[p:]
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// FuzzRedact: whatever the document and wherever the canaries land, no
// canary (raw or JSON-escaped) survives Body, Header, URL or Text.
func FuzzRedact(f *testing.F) {
	f.Add(`{"display_name":"x","signing_private_key":""}`, uint(30), uint(3), "X-Custom", "v")
	f.Add(`{"connection":{"encryption_private_keys":[{"private_key_id":"i","private_key":"k"}]}}`, uint(70), uint(5), "Authorization", "Basic abc")
	f.Add(`{"a":[1,2,{"b":"c"}]}`, uint(8), uint(0), "Cookie", "a=b")
	f.Add(`<html>502 Bad Gateway</html>`, uint(6), uint(1), "Content-Type", "text/html")
	f.Add(`{"token":`, uint(9), uint(9), "X-Stytch-Member-Session", "")
	f.Add(`a=1&b=2`, uint(4), uint(2), "Set-Cookie", "k=v; Path=/")
	f.Add(``, uint(0), uint(0), "", "")
	f.Fuzz(func(t *testing.T, doc string, pos1, pos2 uint, hname, hvalue string) {
		r := recording.NewRedactor(fuzzSecret, fuzzToken, fuzzPEM)
		body := insertAt(doc, fuzzSecret, pos1)
		body = insertAt(body, jsonEscaped(fuzzPEM), pos2)
		body = insertAt(body, fuzzToken, pos1+pos2)
		banned := []string{fuzzSecret, fuzzToken, fuzzPEM, jsonEscaped(fuzzPEM), "FUZZCANARYLINEONEabcdefghij", "FUZZCANARYLINETWOklmnopqrst"}
		check := func(where, out string) {
			for _, b := range banned {
				if strings.Contains(out, b) {
					t.Fatalf("%s: canary survived redaction", where)
				}
			}
		}
		check("Body", string(r.Body([]byte(body))))
		check("Text", r.Text(body))
		check("URL", r.URL("https://h/"+body))
		h := http.Header{}
		h.Add(insertAt(hname, fuzzToken, pos1), insertAt(hvalue, fuzzSecret, pos2))
		h.Add("X-Raw", body)
		for k, vs := range r.Header(h) {
			check("header name", k)
			for _, v := range vs {
				check("header value", v)
			}
		}
	})
}
