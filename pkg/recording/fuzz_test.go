package recording_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
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

// fuzzJWT is a canary JWT: its header decodes to JSON with "alg".
const fuzzJWT = "eyJhbGciOiJIUzI1NiJ9.eyJmdXp6IjoiY2FuYXJ5In0.ZnV6ei1jYW5hcnktc2lnbmF0dXJl"

// FuzzRedactEncodings: a registered secret inside any text, then encoded
// (base64 in either alphabet, padded or not, URL query or path escaping,
// JSON escaping, or as the Basic credential), never survives Text in a form
// that decodes back to it; a JWT and a PEM private key inserted anywhere are
// found by their shape; and the last guard finds the secret inside a gzip
// stream and its base64.
func FuzzRedactEncodings(f *testing.F) {
	f.Add("", "", uint8(0), uint(0))
	f.Add("a", "bc", uint8(1), uint(3))
	f.Add("ab", "", uint8(2), uint(7))
	f.Add(`{"note":"`, `"}`, uint8(5), uint(9))
	f.Add("x=1&y=", "&z", uint8(6), uint(2))
	f.Add("project-test-1234", "", uint8(8), uint(1))
	f.Fuzz(func(t *testing.T, prefix, suffix string, mode uint8, pos uint) {
		r := recording.NewRedactor(fuzzSecret)
		plain := prefix + fuzzSecret + suffix
		var enc string
		switch mode % 9 {
		case 0:
			enc = base64.StdEncoding.EncodeToString([]byte(plain))
		case 1:
			enc = base64.URLEncoding.EncodeToString([]byte(plain))
		case 2:
			enc = base64.RawStdEncoding.EncodeToString([]byte(plain))
		case 3:
			enc = base64.RawURLEncoding.EncodeToString([]byte(plain))
		case 4:
			enc = url.QueryEscape(plain)
		case 5:
			enc = jsonEscaped(plain)
		case 6:
			enc = url.PathEscape(plain)
		case 7:
			enc = plain
		default:
			enc = "Basic " + base64.StdEncoding.EncodeToString([]byte(prefix+":"+fuzzSecret))
			r.AddBasicCredential(prefix, fuzzSecret)
		}
		doc := insertAt("<"+enc+">", fuzzJWT, pos)
		doc = insertAt(doc, jsonEscaped(fuzzPEM), pos/2)
		out := r.Text(doc)
		if revealed(out) {
			t.Fatalf("secret recoverable from Text output (mode %d)", mode%9)
		}
		if strings.Contains(out, fuzzJWT) || strings.Contains(out, "FUZZCANARYLINEONE") {
			t.Fatal("JWT or private key survived")
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write([]byte(plain))
		_ = zw.Close()
		if !r.Leaks(z.Bytes()) || !r.Leaks([]byte("b: "+base64.StdEncoding.EncodeToString(z.Bytes()))) {
			t.Fatal("guard missed the secret inside gzip")
		}
	})
}

// revealed reports whether s holds the fuzz secret raw, unescaped, or
// inside base64 text at any alignment.
func revealed(s string) bool {
	forms := []string{s}
	if u, err := url.QueryUnescape(s); err == nil {
		forms = append(forms, u)
	}
	if u, err := url.PathUnescape(s); err == nil {
		forms = append(forms, u)
	}
	forms = append(forms, strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\"`, `"`, `\\`, `\`).Replace(s))
	for _, f := range forms {
		if strings.Contains(f, fuzzSecret) {
			return true
		}
	}
	runs := regexp.MustCompile(`[A-Za-z0-9+/_-]{8,}`).FindAllString(s, -1)
	for _, run := range runs {
		for skip := 0; skip < 4 && skip < len(run); skip++ {
			x := run[skip:]
			x = x[:len(x)-len(x)%4]
			for _, e := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				if d, err := e.DecodeString(x); err == nil && strings.Contains(string(d), fuzzSecret) {
					return true
				}
			}
		}
	}
	return false
}
