package scrub

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// hostileToken is a member session token of the shape the canary tests use.
const hostileToken = "session-token-CANARY-TOKEN-b2e4/Zx+"

// TestScrubHostileEncodings: a secret or a session token echoed in any of
// the hostile encodings of issue 21 (hex, UTF-16, separated characters,
// percent escapes of every byte, HTML entities, quoted-printable, base32,
// fullwidth letters) is found and removed, alone and between other text,
// and nothing of it can be decoded from what is left.
func TestScrubHostileEncodings(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret), hostileToken)
	for _, enc := range testutil.HostileEncodings() {
		for _, secret := range []string{testSecret, hostileToken} {
			for _, frame := range [][2]string{{"", ""}, {"error: got ", " from you"}} {
				text := frame[0] + enc.Encode(secret) + frame[1]
				t.Run(fmt.Sprintf("%s/%s/%q", enc.Name, secret[:7], frame[0]), func(t *testing.T) {
					t.Parallel()
					require.NotEmpty(t, testutil.Reveals(text, "CANARY"), "the oracle must see the secret in %q", text)
					assert.True(t, s.Contains(text), "Contains(%q)", text)
					assert.True(t, s.ContainsBytes([]byte(text)))
					got := s.Scrub(text)
					assert.Empty(t, testutil.Reveals(got, "CANARY"), "Scrub(%q) = %q", text, got)
					assert.Contains(t, got, Marker)
					assert.False(t, s.Contains(got), "Scrub(%q) = %q still holds a secret", text, got)
					if frame[0] != "" {
						assert.True(t, strings.HasPrefix(got, frame[0]) && strings.HasSuffix(got, frame[1]),
							"Scrub(%q) = %q removed more than the secret", text, got)
					}
				})
			}
		}
	}
}

// TestScrubGoQuotedHostileEncodings: a report escapes what it quotes
// Go-style (control characters as \r, \n, \x00, other runes as \u),
// as pkg/contract's Escape does with a field name; each hostile encoding
// of a secret, quoted so, is still found and removed. Quoted-printable
// with soft line breaks reads "=\r\n" once quoted.
func TestScrubGoQuotedHostileEncodings(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret), hostileToken)
	for _, enc := range testutil.HostileEncodings() {
		for _, secret := range []string{testSecret, hostileToken} {
			q := strconv.QuoteToASCII("/connection/" + enc.Encode(secret))
			text := q[1 : len(q)-1]
			t.Run(fmt.Sprintf("%s/%s", enc.Name, secret[:7]), func(t *testing.T) {
				t.Parallel()
				assert.True(t, s.Contains(text), "Contains(%q)", text)
				got := s.Scrub(text)
				assert.Contains(t, got, Marker, "Scrub(%q)", text)
				assert.False(t, s.Contains(got), "Scrub(%q) = %q still holds a secret", text, got)
				uq, err := strconv.Unquote(`"` + got + `"`)
				require.NoError(t, err, "Scrub(%q) = %q is still a quoted text", text, got)
				assert.Empty(t, testutil.Reveals(uq, "CANARY"), "Scrub(%q) = %q", text, got)
			})
		}
	}
}

// TestScrubFoldedKeepsOrdinaryText: folding joins words and undoes escapes,
// but ordinary text, the project ID in any encoding, and runs of the secret
// shorter than FragmentLen folded characters stay as they are.
func TestScrubFoldedKeepsOrdinaryText(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret), hostileToken)
	for _, text := range []string{
		"secret test",                       // the public words alone
		"s e c r e t - t e s t - C A N A R", // 15 folded characters of the secret
		hex.EncodeToString([]byte(testProjectID + ":")),
		strings.ToUpper(hex.EncodeToString([]byte("secret-"))),
		"%73%65%63%72%65%74 &#115;&#101; =63=72 \\u0065\\x74 ｓｅｃｒｅｔ",
		"Basic " + base64.StdEncoding.EncodeToString([]byte(testProjectID+":")),
		`{"status_code":400,"error_type":"invalid_secret","error_message":"The secret is invalid."}`,
		"request-id-test-55555555-5555-4555-8555-555555555555 &amp; &#x20; &unknown; %zz =\r\n",
		// Lists of numbers, JSON escapes, paths of IDs and wrapped base64
		// that hold no secret: the views added for them find nothing.
		`{"data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,255,0]}`,
		`{"m":"line one\nline two \"quoted\" \/ \\ \t"}`,
		"PUT /v1/b2b/sso/saml/organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931/connections/saml-connection-test-51861cbc-d3b9-428b-9761-227f5fb12be9 200",
		"MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\nMQswCQYDVQQGEwJJRTESMBAGA1UEChMJQmFsdGltb3Jl\n",
	} {
		assert.False(t, s.Contains(text), "Contains(%q)", text)
		assert.Equal(t, text, s.Scrub(text))
	}
}

// TestFoldedSpans: a match in a folded view removes exactly the bytes of
// the original text its characters came from, escapes included.
func TestFoldedSpans(t *testing.T) {
	t.Parallel()
	s := New("abcdefghijklmnopqrst")
	assert.Equal(t, "<"+Marker+">", s.Scrub("<a b c d e f g h i j k l m n o p q r s t>"))
	assert.Equal(t, "<"+Marker+">", s.Scrub("<%61%62%63%64%65%66%67%68%69%6A%6B%6C%6D%6E%6F%70%71%72%73%74>"))
	assert.Equal(t, "x "+Marker+" y", s.Scrub("x &#x61;bcdefghijklmnopqrs&#116; y"))
	assert.Equal(t, "x "+Marker+" y", s.Scrub("x %2561bcdefghijklmnopqrst y"), "two layers of escapes")
	assert.Equal(t, "<"+Marker+">", s.Scrub("<ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴ>"))
}

// FuzzScrubHostileEncodings checks that for any printable ASCII secret (as
// Stytch's secrets, tokens and JWTs are) whose folded form is at least
// FragmentLen characters long, any text holding it in any hostile encoding
// is found, and that Scrub leaves nothing found behind.
func FuzzScrubHostileEncodings(f *testing.F) {
	f.Add(testSecret, "error: ", " end", uint8(0))
	f.Add(hostileToken, "", "", uint8(7))
	f.Add("0123456789abcdefghij", "%", "&#", uint8(11))
	encs := testutil.HostileEncodings()
	f.Fuzz(func(t *testing.T, secret, prefix, suffix string, pick uint8) {
		if len(foldString(secret)) < FragmentLen || strings.ContainsFunc(secret, func(r rune) bool { return r < ' ' || r > '~' }) {
			return
		}
		s := New(secret)
		text := prefix + encs[int(pick)%len(encs)].Encode(secret) + suffix
		if !s.Contains(text) {
			t.Fatalf("Contains(%q) = false for the %s form", text, encs[int(pick)%len(encs)].Name)
		}
		if out := s.Scrub(text); s.Contains(out) {
			t.Fatalf("Scrub(%q) = %q still holds a secret", text, out)
		}
	})
}

// TestScrubDoubleEncodings: a secret encoded twice (the hex or base32 of a
// Basic Authorization header, base64 of its hex form) is found once the
// runs of hex, base32 or base64 in the text are decoded.
func TestScrubDoubleEncodings(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret))
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(BasicCredential(testProjectID, testSecret)))
	for name, text := range map[string]string{
		"hex of the Basic header":    "header " + hex.EncodeToString([]byte(basic)) + " end",
		"HEX of the Basic header":    strings.ToUpper(hex.EncodeToString([]byte(basic))),
		"base32 of the Basic header": base32.StdEncoding.EncodeToString([]byte(basic)),
		"base64 of the hex secret":   "x=" + base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString([]byte(testSecret)))),
	} {
		require.NotEmpty(t, testutil.Reveals(text, "CANARY"), "%s: the oracle sees the secret", name)
		assert.True(t, s.Contains(text), "%s: Contains(%q)", name, text)
		got := s.Scrub(text)
		assert.Empty(t, testutil.Reveals(got, "CANARY"), "%s: Scrub(%q) = %q", name, text, got)
	}
}

// TestScrubWrappedAndListedEncodings: what servers and log pipelines
// really write around a request they echo: the base64 of a request dump
// wrapped into lines (MIME at 76, PEM at 64, any width), with real line
// breaks, JSON's \r\n escapes inside a JSON string, or percent escapes in a
// URL path after a '/' (an access log); and the bytes of a
// secret as a list of numbers (Node's JSON of a Buffer). The secret is
// found, and nothing of it can be read from what Scrub leaves.
func TestScrubWrappedAndListedEncodings(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret))
	dump := "PUT /v1/b2b/sso HTTP/1.1\r\nHost: api\r\nAuthorization: Basic " +
		base64.StdEncoding.EncodeToString([]byte(BasicCredential(testProjectID, testSecret))) + "\r\nUser-Agent: x\r\n\r\n"
	wrap := func(text string, width int, sep string) string {
		var lines []string
		for len(text) > width {
			lines = append(lines, text[:width])
			text = text[width:]
		}
		return strings.Join(append(lines, text), sep)
	}
	numbers := func(v, sep string) string {
		var b []string
		for i := 0; i < len(v); i++ {
			b = append(b, fmt.Sprint(v[i]))
		}
		return strings.Join(b, sep)
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(dump))
	cases := map[string]string{
		"MIME, CRLF":                   wrap(b64, 76, "\r\n"),
		"PEM width, LF":                wrap(b64, 64, "\n"),
		"width 20, LF":                 wrap(b64, 20, "\n"),
		"MIME in JSON, escaped CRLF":   `{"request":"` + wrap(b64, 76, `\r\n`) + `"}`,
		"width 20 in JSON, escaped LF": `{"request":"` + wrap(b64, 20, `\n`) + `"}`,
		"in a URL path, escaped CRLF":  "PUT /v1/echo/" + url.PathEscape(wrap(b64, 20, "\r\n")) + "/end 404",
		"Node Buffer JSON":             `{"type":"Buffer","data":[` + numbers(testSecret, ",") + `]}`,
		"numbers, comma and space":     "bytes: [" + numbers(testSecret, ", ") + "]",
	}
	// unwrap undoes what the oracle does not: line breaks and lists of
	// numbers.
	unwrap := func(text string) string {
		text = strings.NewReplacer("\r", "", "\n", "", `\r`, "", `\n`, "").Replace(text)
		var b []byte
		for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r < '0' || r > '9' }) {
			if n, err := strconv.Atoi(f); err == nil && n < 256 {
				b = append(b, byte(n))
			}
		}
		return text + " " + string(b)
	}
	for name, text := range cases {
		require.NotEmpty(t, testutil.Reveals(unwrap(text), "CANARY"), "%s: the oracle sees the secret", name)
		assert.True(t, s.Contains(text), "%s: Contains(%q)", name, text)
		got := s.Scrub(text)
		assert.Empty(t, testutil.Reveals(unwrap(got), "CANARY"), "%s: Scrub(%q) = %q", name, text, got)
	}
}
