package scrub

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testProjectID = "project-test-00000000-0000-0000-0000-000000000000"
	// testSecret holds characters that base64, URL and JSON escaping all treat
	// specially, so that each encoding differs from the raw value.
	testSecret = "secret-test-CANARY/+=<&>?#%:x"
	testPEM    = "-----BEGIN PRIVATE KEY-----\n" +
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n" +
		"MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n" +
		"-----END PRIVATE KEY-----\n"
)

func TestScrubEncodings(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret), testPEM)
	basic := base64.StdEncoding.EncodeToString([]byte(testProjectID + ":" + testSecret))
	jsonSecret, err := json.Marshal(testSecret)
	require.NoError(t, err)
	pemJSON, err := json.Marshal(testPEM)
	require.NoError(t, err)
	embedded := func(k int) string {
		return base64.StdEncoding.EncodeToString([]byte(strings.Repeat("z", k) + testSecret + " and more"))
	}
	tests := []struct {
		name, text, leak string
	}{
		{"raw", "error: got " + testSecret + " here", testSecret},
		{"base64 std", "x " + base64.StdEncoding.EncodeToString([]byte(testSecret)), base64.StdEncoding.EncodeToString([]byte(testSecret))},
		{"base64 url raw", base64.RawURLEncoding.EncodeToString([]byte(testSecret)) + ".", base64.RawURLEncoding.EncodeToString([]byte(testSecret))},
		{"basic header", "Authorization: Basic " + basic, basic},
		{"base64 offset 0", embedded(0), embedded(0)[:20]},
		{"base64 offset 1", embedded(1), embedded(1)[4:20]},
		{"base64 offset 2", embedded(2), embedded(2)[4:20]},
		{"query escape", "?q=" + url.QueryEscape(testSecret), url.QueryEscape(testSecret)},
		{"path escape", "/v1/" + url.PathEscape(testSecret), url.PathEscape(testSecret)},
		{"lower-case percent hex", "?q=secret-test-CANARY%2f%2b%3d%3c%26%3e%3f%23%25%3ax", "CANARY%2f"},
		{"json", `{"m":` + string(jsonSecret) + `}`, string(jsonSecret[1 : len(jsonSecret)-1])},
		{"json slash escape", strings.ReplaceAll(testSecret, "/", `\/`), strings.ReplaceAll(testSecret, "/", `\/`)},
		{"json unicode escape", `secret\u002dtest\u002dCANARY\u002f\u002b\u003d\u003c\u0026\u003e\u003f\u0023\u0025\u003ax`, `CANARY\u002f`},
		{"pem", "key=" + testPEM, "MIIEvQIBADANBgkqhkiG9w0"},
		{"pem json", string(pemJSON), "MzEfYyjiWA4R4"},
		{"pem one line", "line MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu!", "MzEfYyjiWA4R4"},
		{"pem unwrapped", strings.ReplaceAll(testPEM[28:], "\n", ""), "C7VJTUt9Us8cKjMzEfYyjiWA4R4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, tt.text, tt.leak, "the case must hold what it checks")
			require.True(t, s.Contains(tt.text), "Contains(%q)", tt.text)
			got := s.Scrub(tt.text)
			assert.NotContains(t, got, tt.leak)
			assert.Contains(t, got, Marker)
			assert.False(t, s.Contains(got), "Scrub(%q) = %q still holds a secret", tt.text, got)
			assert.Equal(t, []byte(got), s.ScrubBytes([]byte(tt.text)))
		})
	}
}

func TestScrubLeavesOtherTextAlone(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret))
	for _, text := range []string{
		"", "secret", "internal server error", testProjectID, "Basic", `{"status_code":500}`,
		testSecret[:FragmentLen-1], // a run shorter than FragmentLen is not the secret
		testProjectID + ": not found", "Basic " + base64.StdEncoding.EncodeToString([]byte(testProjectID+":")),
	} {
		assert.Equal(t, text, s.Scrub(text))
		assert.False(t, s.Contains(text), "Contains(%q)", text)
	}
	b := []byte("nothing to hide")
	out := s.ScrubBytes(b)
	assert.Same(t, &b[0], &out[0], "ScrubBytes copies text that holds no secret")
}

func TestScrubSkipsShortSecrets(t *testing.T) {
	t.Parallel()
	s := New("", "short", "1234567")
	assert.Zero(t, s.Len())
	assert.Equal(t, "short 1234567", s.Scrub("short 1234567"))
	assert.Nil(t, Encodings("1234567"))
	assert.NotEmpty(t, Encodings("12345678"))
}

func TestScrubNil(t *testing.T) {
	t.Parallel()
	var s *Scrubber
	assert.Equal(t, testSecret, s.Scrub(testSecret))
	assert.False(t, s.Contains(testSecret))
	assert.Zero(t, s.Len())
	assert.Equal(t, 0, (&Scrubber{}).Len())
	assert.True(t, s.With(testSecret).Contains(testSecret))
}

func TestScrubWithKeepsEarlierSecrets(t *testing.T) {
	t.Parallel()
	a := New(testSecret)
	b := a.With("member-session-token-CANARY")
	text := testSecret + " " + "member-session-token-CANARY"
	assert.Equal(t, Marker+" "+Marker, b.Scrub(text))
	assert.Equal(t, Marker+" member-session-token-CANARY", a.Scrub(text), "With changed its receiver")
}

func TestScrubOverlapsBecomeOneMarker(t *testing.T) {
	t.Parallel()
	s := New("abcdefghij", "ghijklmnop")
	assert.Equal(t, "<"+Marker+">", s.Scrub("<abcdefghijklmnop>"))
	assert.Equal(t, Marker, s.Scrub("abcdefghijghijklmnop"), "touching occurrences")
}

func TestScrubMarkerEdge(t *testing.T) {
	t.Parallel()
	// A secret ending in the marker's last characters reappears after each
	// replacement; Scrub must still end with none left.
	s := New("D]xxxxxx")
	got := s.Scrub("D]" + strings.Repeat("x", 60))
	assert.False(t, s.Contains(got), "Scrub left %q", got)
	// A secret inside the marker can never be removed, so it is not registered.
	assert.NotContains(t, New("REDACTED").needles, "REDACTED")
	assert.Contains(t, New("REDACTED").needles, base64.StdEncoding.EncodeToString([]byte("REDACTED")))
}

func TestBase64Core(t *testing.T) {
	t.Parallel()
	secret := "0123456789abcdef"
	for k := range 3 {
		for _, tail := range []string{"", "!", "!!", "!!!"} {
			for _, head := range []string{"", "x", "xy", "xyz"} {
				if len(head)%3 != k {
					continue
				}
				text := base64.StdEncoding.EncodeToString([]byte(head + secret + tail))
				core := base64Core(base64.StdEncoding.WithPadding(base64.NoPadding), secret, k)
				require.GreaterOrEqual(t, len(core), MinLen)
				assert.Contains(t, text, core, fmt.Sprintf("offset %d head %q tail %q", k, head, tail))
			}
		}
	}
}

// FuzzScrub checks that for any secret and any text holding it in any
// registered encoding, or inside a larger base64 text, Scrub leaves none of
// the registered encodings behind, and that it changes no text free of them.
func FuzzScrub(f *testing.F) {
	f.Add(testSecret, testProjectID, "Basic ", "\r\n", uint16(3))
	f.Add(testPEM, "", `{"x509_certificate":"`, `"}`, uint16(40))
	f.Add("D]xxxxxx", "p", "D]", "xxxxxxxxxxxxxxxx", uint16(0))
	f.Add("aaaaaaaaaa", "aaaaaaaa", "aaaa", "aaaaaaaaaaaaa", uint16(7))
	f.Fuzz(func(t *testing.T, secret, projectID, prefix, suffix string, pick uint16) {
		s := New(secret, BasicCredential(projectID, secret))
		if s.Len() == 0 {
			assert.Equal(t, prefix+suffix, s.Scrub(prefix+suffix))
			return
		}
		needle := s.needles[int(pick)%len(s.needles)]
		text := prefix + needle + suffix
		out := s.Scrub(text)
		for _, n := range s.needles {
			if strings.Contains(out, n) {
				t.Fatalf("Scrub(%q) = %q holds registered encoding %q", text, out, n)
			}
		}
		if len(secret) >= MinLen {
			embedded := base64.StdEncoding.EncodeToString([]byte(prefix + secret + suffix))
			if out := s.Scrub(embedded); s.Contains(out) {
				t.Fatalf("Scrub(%q) = %q holds a registered encoding", embedded, out)
			}
		}
		if clean := prefix + suffix; !s.Contains(clean) {
			assert.Equal(t, clean, s.Scrub(clean))
		}
	})
}

// BenchmarkScrub measures a scan of a 1 MiB error body holding one secret,
// against strings.Contains of the raw secret alone on the same body: the
// cost of looking for every encoding at once instead of one value.
func BenchmarkScrub(b *testing.B) {
	s := New(testSecret, BasicCredential(testProjectID, testSecret), testPEM)
	body := strings.Repeat("<p>bad gateway, try again later</p>\n", (1<<20)/37) + testSecret
	b.Run("scrub", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if s.Scrub(body) == body {
				b.Fatal("nothing scrubbed")
			}
		}
	})
	b.Run("baseline-contains-raw", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if !strings.Contains(body, testSecret) {
				b.Fatal("not found")
			}
		}
	})
}

// TestEncodingsUnion holds the cases that only one of the two former
// implementations caught (internal/scrub for the client, pkg/recording's
// own list for cassettes): the merged one catches them all, through New and
// through the Options pkg/recording uses.
func TestEncodingsUnion(t *testing.T) {
	t.Parallel()
	const pem = "-----BEGIN RSA PRIVATE KEY-----\n" +
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n" +
		"shortEnd1\n" + // a last body line under 16 characters
		"-----END RSA PRIVATE KEY-----\n"
	b64 := base64.StdEncoding.EncodeToString([]byte(testSecret))
	recordingOpts := Options{MinLen: 1, KeepMarkerParts: true}
	tests := []struct {
		name, missedBy string
		opts           Options
		secret, text   string
		leak           string
	}{
		// Forms pkg/recording did not register.
		{"json unicode escape", "recording", Options{}, testSecret, `"` + unicodeEscape(testSecret, "0123456789abcdef") + `"`, `CANARY\u002f`},
		{"json unicode escape, upper hex", "recording", Options{}, testSecret, unicodeEscape(testSecret, "0123456789ABCDEF"), `CANARY\u002F`},
		{"json slash escape", "recording", Options{}, testSecret, `{"m":"` + strings.ReplaceAll(testSecret, "/", `\/`) + `"}`, `CANARY\/`},
		{"query escape, lower-case hex", "recording", Options{}, testSecret, "?q=" + lowerPercentHex(url.QueryEscape(testSecret)), "CANARY%2f"},
		{"query escape of base64", "recording", Options{}, testSecret, "?b=" + url.QueryEscape(b64), url.QueryEscape(b64)},
		{"json escape of base64", "recording", Options{}, testSecret, unicodeEscape(b64, "0123456789abcdef"), unicodeEscape(b64, "0123456789abcdef")},
		{"short last PEM line", "recording", Options{}, pem, "line: shortEnd1.", "shortEnd1"},
		{"unwrapped PEM body", "recording", Options{}, pem, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjshortEnd1", "Us8cKjshortEnd1"},
		{"non-HTML JSON", "recording", Options{}, "key<&>value", `{"m":"key<&>value"}`, "key<&>value"},
		// Forms internal/scrub did not register, which pkg/recording needs.
		{"short secret", "scrub", recordingOpts, "s3cr3t", "a s3cr3t b", "s3cr3t"},
		{"short secret, base64", "scrub", recordingOpts, "s3cr3t", "Basic czNjcjN0", "czNjcjN0"},
		{"secret inside the marker", "scrub", recordingOpts, "REDACTED", "x REDACTED y", "REDACTED"},
		// Both caught these; they must stay caught.
		{"base64 at offset 1", "neither", Options{}, testSecret, base64.StdEncoding.EncodeToString([]byte("z" + testSecret + "!")), base64.StdEncoding.EncodeToString([]byte("z" + testSecret))[4:20]},
		{"path escape", "neither", Options{}, testSecret, "/v1/" + url.PathEscape(testSecret) + "/x", url.PathEscape(testSecret)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, tt.text, tt.leak, "the case must hold what it checks")
			s := tt.opts.New(tt.secret)
			require.True(t, s.Contains(tt.text), "Contains(%q), missed before by %s", tt.text, tt.missedBy)
			require.True(t, s.ContainsBytes([]byte(tt.text)))
			for _, repl := range []string{"#", ""} {
				got := s.Replace(tt.text, repl)
				assert.NotContains(t, got, tt.leak)
				assert.False(t, s.Contains(got), "Replace(%q, %q) = %q", tt.text, repl, got)
			}
			if !tt.opts.KeepMarkerParts {
				assert.NotContains(t, s.Scrub(tt.text), tt.leak)
			}
		})
	}
}

// TestScrubShortNeedlesInOrder: needles under the index's prefix length
// merge with longer ones into one span, wherever they start.
func TestScrubShortNeedlesInOrder(t *testing.T) {
	t.Parallel()
	s := Options{MinLen: 1}.New("abc", "cdefghijkl", "zz")
	assert.Equal(t, "<#>_#_#", s.Replace("<abcdefghijkl>_zz_abc", "#"))
	assert.Equal(t, "x#y", s.Replace("xabcdefghijklzzy", "#"), "touching occurrences")
}

// TestScrubKeepMarkerParts: a Scrubber registering a part of Marker still
// never returns it from Scrub.
func TestScrubKeepMarkerParts(t *testing.T) {
	t.Parallel()
	s := Options{KeepMarkerParts: true}.New("REDACTED")
	assert.NotContains(t, s.Scrub("a REDACTED b"), "REDACTED")
	assert.Equal(t, "a # b", s.Replace("a REDACTED b", "#"))
}

// TestWithReturnsReceiverWhenNothingNew: registering a known secret again
// (the recorder learns the Basic credential on every exchange) builds
// nothing.
func TestWithReturnsReceiverWhenNothingNew(t *testing.T) {
	t.Parallel()
	a := New(testSecret)
	assert.Same(t, a, a.With(testSecret, "", "short"))
	assert.NotSame(t, a, a.With("another-secret-value"))
	opts := Options{MinLen: 1, KeepMarkerParts: true}
	assert.Equal(t, opts, opts.New("x").With("yz").opts, "With keeps the options")
}

// TestScrubFragments: a cut-off copy of the secret or of the Basic
// credential's base64 (a server echoing a prefix or a suffix of what it
// got), and an upper-cased secret, are removed too; no FragmentLen bytes
// of any encoding survive.
func TestScrubFragments(t *testing.T) {
	t.Parallel()
	s := New(testSecret, BasicCredential(testProjectID, testSecret))
	basic := base64.StdEncoding.EncodeToString([]byte(BasicCredential(testProjectID, testSecret)))
	type tc struct{ name, text, leak string }
	tests := []tc{
		{"secret minus its last 6", "bad key " + testSecret[:len(testSecret)-6] + "!", testSecret[:len(testSecret)-6]},
		{"secret minus its first 6", "bad key " + testSecret[6:] + "!", testSecret[6:]},
		{"basic header minus its last 4", "bad header Basic " + basic[:len(basic)-4], basic[:len(basic)-4]},
		{"upper-cased secret", "text/" + strings.ToUpper(testSecret), strings.ToUpper(testSecret)},
		{"mixed-case secret", "x" + strings.ToLower(testSecret) + "y", strings.ToLower(testSecret)},
	}
	for i := 0; i+FragmentLen <= len(basic); i++ {
		tests = append(tests,
			tc{fmt.Sprintf("basic prefix %d", i+FragmentLen), "Basic " + basic[:i+FragmentLen] + "\n", basic[:i+FragmentLen]},
			tc{fmt.Sprintf("basic suffix from %d", i), "(" + basic[i:] + ")", basic[i:]})
	}
	for i := 0; i+FragmentLen <= len(testSecret); i++ {
		tests = append(tests,
			tc{fmt.Sprintf("secret prefix %d", i+FragmentLen), "got " + testSecret[:i+FragmentLen] + " ", testSecret[:i+FragmentLen]},
			tc{fmt.Sprintf("secret suffix from %d", i), "got " + testSecret[i:] + " ", testSecret[i:]})
	}
	// The windows of the encodings of the project ID alone are public.
	windows := fragments(s.secrets, MinLen)
	require.NotEmpty(t, windows)
	checked := 0
	for _, tt := range tests {
		if fragmentOf(tt.leak, windows) == "" && !strings.EqualFold(tt.leak, testSecret) {
			continue // a cut of the Basic credential holding no secret byte
		}
		checked++
		require.Contains(t, tt.text, tt.leak, "the case must hold what it checks")
		require.True(t, s.Contains(tt.text), "%s: Contains(%q)", tt.name, tt.text)
		got := s.Scrub(tt.text)
		assert.NotContains(t, got, tt.leak, tt.name)
		assert.Contains(t, got, Marker, tt.name)
		if w := fragmentOf(got, windows); w != "" {
			t.Errorf("%s: Scrub(%q) = %q keeps %q", tt.name, tt.text, got, w)
		}
		// The decoded Basic credential keeps no FragmentLen bytes of the secret.
		if rest, ok := strings.CutPrefix(got, "Basic "); ok {
			dec, _ := base64.StdEncoding.DecodeString(strings.TrimSuffix(rest, "\\n"))
			assert.Empty(t, fragmentOf(string(dec), []string{testSecret}), tt.name)
		}
	}
	assert.Greater(t, checked, 100, "cases checked")
}

// fragmentOf returns a FragmentLen-byte window of one of forms found in
// text, or "".
func fragmentOf(text string, forms []string) string {
	for _, f := range forms {
		for j := 0; j+FragmentLen <= len(f); j++ {
			if strings.Contains(text, f[j:j+FragmentLen]) {
				return f[j : j+FragmentLen]
			}
		}
	}
	return ""
}

// FuzzScrubFragments checks that for any text holding any run of at least
// FragmentLen bytes of any registered encoding, Scrub's output holds no
// FragmentLen bytes of any of them.
func FuzzScrubFragments(f *testing.F) {
	f.Add(testSecret, testProjectID, "bad header Basic ", "", uint16(3), uint16(0), uint16(4))
	f.Add("0123456789abcdefghij", "p", "", "xyz", uint16(0), uint16(2), uint16(1))
	f.Add(testPEM, "", `{"k":"`, `"}`, uint16(40), uint16(7), uint16(9))
	f.Fuzz(func(t *testing.T, secret, projectID, prefix, suffix string, pick, from, cut uint16) {
		s := New(secret, BasicCredential(projectID, secret))
		var forms []string
		for _, n := range s.needles {
			if len(n) >= FragmentLen {
				forms = append(forms, n)
			}
		}
		if len(forms) == 0 {
			return
		}
		form := forms[int(pick)%len(forms)]
		start := int(from) % (len(form) - FragmentLen + 1)
		end := len(form) - int(cut)%(len(form)-start-FragmentLen+1)
		text := prefix + form[start:end] + suffix
		out := s.Scrub(text)
		for _, w := range fragments(s.secrets, MinLen) {
			if strings.Contains(out, w) {
				t.Fatalf("Scrub(%q) = %q keeps %q of %q", text, out, w, form)
			}
		}
	})
}

// BenchmarkScrubPathological scrubs 10 MiB of text made of one unit that
// each view of the folded matching works hardest on (escapes that do or do
// not decode, runs of hex or base64, line breaks inside base64, lists of
// numbers), against 10 MiB of ordinary English in the same run: time and
// memory stay within a small factor of it.
func BenchmarkScrubPathological(b *testing.B) {
	s := New(testSecret, BasicCredential(testProjectID, testSecret))
	const size = 10 << 20
	for _, unit := range []string{"bad gateway, try again later. ", "%", "%41", "&#", "&#65;", `\u0041`, `\n`, "=\n", "a1", "Zm9v", "Zm9v\n", "/Zm9v", "255,"} {
		name := fmt.Sprintf("%q", unit)
		if unit[0] == 'b' {
			name = "baseline=english"
		}
		text := strings.Repeat(unit, size/len(unit))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				_ = s.Scrub(text)
			}
		})
	}
}
