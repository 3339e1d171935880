package capture

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/har"
)

// harTextRef is harText as it was, on strings: the reference the byte
// version must agree with.
func harTextRef(text, encoding string) ([]byte, bool) {
	if text == "" {
		return nil, true
	}
	if strings.EqualFold(encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			b2, err2 := base64.RawStdEncoding.DecodeString(strings.TrimRight(text, "="))
			return b2, err2 == nil
		}
		return b, true
	}
	return []byte(text), true
}

// TestHarTextMatchesStringDecoding checks harText on base64 of every
// length mod 4, padded, unpadded, wrapped and broken, and on plain text,
// against the string decoding it replaced (whose buffer sizes it must not
// get wrong: unpadded text decodes to more than padded text of the same
// length).
func TestHarTextMatchesStringDecoding(t *testing.T) {
	var texts []string
	for n := 0; n <= 9; n++ {
		raw := bytes.Repeat([]byte{0xfb, 0x01, 0x7f}, 4)[:n]
		std := base64.StdEncoding.EncodeToString(raw)
		texts = append(texts, std, strings.TrimRight(std, "="), std+"=", "="+std,
			std[:len(std)/2]+"\r\n"+std[len(std)/2:], std+"!", strings.TrimRight(std, "=")+"A")
	}
	texts = append(texts, "{\"a\":1}", "====", "A", "AA==A")
	for _, text := range texts {
		for _, enc := range []string{"base64", "BASE64", ""} {
			want, ok := harTextRef(text, enc)
			got, err := harText([]byte(text), enc)
			if (err == nil) != ok {
				t.Fatalf("harText(%q, %q): error %v, reference ok %v", text, enc, err, ok)
			}
			if ok && !bytes.Equal(got, want) {
				t.Fatalf("harText(%q, %q) = %x, reference %x", text, enc, got, want)
			}
		}
	}
}

// TestHarHeadersMatchesAdd checks that harHeaders, whose values share one
// array, builds what http.Header.Add would: names canonicalised, values of
// names alike in file order, and appending to one name leaving the next
// alone.
func TestHarHeadersMatchesAdd(t *testing.T) {
	hs := []har.Header{
		{Name: "content-type", Value: "a"}, {Name: "X-One", Value: "1"}, {Name: ":authority", Value: "x"}, {Name: "", Value: "y"},
		{Name: "Content-Type", Value: "b"}, {Name: "x-two", Value: "2"}, {Name: "CONTENT-TYPE", Value: "c"}, {Name: "x-one", Value: "1b"},
		{Name: "Odd Name", Value: "v"}, {Name: "x-two", Value: "2b"}, {Name: "single", Value: "s"}, {Name: "next", Value: "n"},
	}
	want := http.Header{}
	for _, kv := range hs {
		if kv.Name != "" && !strings.HasPrefix(kv.Name, ":") {
			want.Add(kv.Name, kv.Value)
		}
	}
	got, err := harHeaders(hs, &budget{left: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("harHeaders = %v, want %v", got, want)
	}
	got.Add("Single", "more")
	if !reflect.DeepEqual(got["Next"], []string{"n"}) {
		t.Fatalf("adding to Single changed Next: %v", got["Next"])
	}
}
