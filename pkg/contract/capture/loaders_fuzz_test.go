package capture_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

func addFileSeed(f *testing.F, path string) {
	f.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}

// FuzzLoadHAR checks that no input makes the HAR loader panic, and that
// every error names the source.
func FuzzLoadHAR(f *testing.F) {
	addFileSeed(f, "testdata/har/valid.har")
	addFileSeed(f, "testdata/har/violations.har")
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":"200","headers":[{"name":"Content-Encoding","value":"gzip"}],"content":{"text":"H4sIAAAAAAAA/w==","encoding":"base64"}}}]}}`))
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"PUT","url":"https://x.test/","postData":{"text":"eJw=","encoding":"base64"},"headers":[{"name":"Content-Encoding","value":"deflate"}]},"response":{"status":200}}]}}`))
	f.Add([]byte(`{"log":null}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		pairs, err := capture.LoadHAR(bytes.NewReader(data), "fuzz.har")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.har") {
				t.Fatalf("LoadHAR error does not name the source: %v", err)
			}
			if pairs != nil {
				t.Fatalf("LoadHAR returned pairs with an error")
			}
			return
		}
		for _, p := range pairs {
			if p.Source != "fuzz.har" || p.Method == "" || p.URL == "" || p.StatusCode <= 0 {
				t.Fatalf("LoadHAR returned an incomplete pair: %+v", p)
			}
		}
	})
}

// FuzzLoadCassette checks that no input makes the cassette loader panic,
// and that every error names the source.
func FuzzLoadCassette(f *testing.F) {
	addFileSeed(f, "testdata/cassettes/valid.yaml")
	addFileSeed(f, "testdata/cassettes/violations.yaml")
	f.Add([]byte("version: 2\ninteractions:\n- request: {method: PUT, url: 'https://x.test/', headers: {Content-Encoding: [gzip]}, body: \"\\x1f\\x8b\"}\n  response: {code: 200}\n"))
	f.Add([]byte("version: 2\ninteractions: [null]\n"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		pairs, err := capture.LoadCassette(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("LoadCassette error does not name the source: %v", err)
			}
			if pairs != nil {
				t.Fatalf("LoadCassette returned pairs with an error")
			}
			return
		}
		for _, p := range pairs {
			if p.Source != "fuzz.yaml" || p.Method == "" || p.URL == "" || p.StatusCode <= 0 {
				t.Fatalf("LoadCassette returned an incomplete pair: %+v", p)
			}
		}
	})
}
