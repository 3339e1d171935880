package capture_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

func TestLoadHARFixture(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/har/valid.har")
	require.NoError(t, err)
	defer f.Close()

	pairs, err := capture.LoadHAR(f, "valid.har")
	require.NoError(t, err)
	require.Len(t, pairs, 3, "the blocked entry (status 0) must be skipped")

	saml := pairs[0]
	assert.Equal(t, "PUT", saml.Method)
	assert.Contains(t, saml.URL, "/v1/b2b/sso/saml/")
	assert.Equal(t, 200, saml.StatusCode)
	assert.Equal(t, "valid.har", saml.Source)
	assert.Equal(t, 0, saml.Index)
	assert.True(t, strings.HasPrefix(saml.RequestHeader.Get("Authorization"), "Basic "))
	assert.Empty(t, saml.RequestHeader.Values(":authority"), "HTTP/2 pseudo-headers are dropped")
	assert.Contains(t, string(saml.RequestBody), `"signing_private_key"`)
	assert.Contains(t, string(saml.ResponseBody), `"acs_url"`)

	ext := pairs[1]
	assert.Equal(t, 1, ext.Index)
	assert.Contains(t, string(ext.ResponseBody), `"external_connection_id"`, "base64 gzip body decoded")
	assert.Empty(t, ext.ResponseHeader.Get("Content-Encoding"), "Content-Encoding dropped once decoded")

	notFound := pairs[2]
	assert.Equal(t, 3, notFound.Index, "Index is the entry's position, counting skipped entries")
	assert.Equal(t, 404, notFound.StatusCode)
}

func harWith(entry string) string {
	return `{"log":{"version":"1.2","entries":[` + entry + `]}}`
}

func TestLoadHARTolerance(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"ok":true}`))
	require.NoError(t, zw.Close())
	gzB64 := base64.StdEncoding.EncodeToString(gz.Bytes())

	tests := []struct {
		name  string
		entry string
		check func(t *testing.T, p contract.Pair)
	}{
		{
			name:  "status as string, lower-case method",
			entry: `{"request":{"method":"put","url":"https://x.test/a","headers":[]},"response":{"status":"201","headers":[],"content":{"mimeType":"application/json","text":"{}"}}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, 201, p.StatusCode)
				assert.Equal(t, "PUT", p.Method)
			},
		},
		{
			name:  "content type from mimeType when the header is missing",
			entry: `{"request":{"method":"PUT","url":"https://x.test/a","headers":[],"postData":{"mimeType":"application/json","text":"{\"a\":1}"}},"response":{"status":200,"headers":[],"content":{"mimeType":"application/json; charset=utf-8","text":"{}"}}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, "application/json", p.RequestHeader.Get("Content-Type"))
				assert.Equal(t, "application/json; charset=utf-8", p.ResponseHeader.Get("Content-Type"))
				assert.JSONEq(t, `{"a":1}`, string(p.RequestBody))
			},
		},
		{
			name:  "header content type wins over mimeType",
			entry: `{"request":{"method":"PUT","url":"https://x.test/a","headers":[]},"response":{"status":200,"headers":[{"name":"content-type","value":"text/plain"}],"content":{"mimeType":"application/json","text":"x"}}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, "text/plain", p.ResponseHeader.Get("Content-Type"))
			},
		},
		{
			name:  "base64 postData (Charles, Proxyman)",
			entry: `{"request":{"method":"PUT","url":"https://x.test/a","headers":[],"postData":{"mimeType":"application/json","text":"eyJhIjoxfQ==","encoding":"base64"}},"response":{"status":200,"headers":[]}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, `{"a":1}`, string(p.RequestBody))
				assert.Empty(t, p.ResponseBody)
			},
		},
		{
			name:  "base64 without padding",
			entry: `{"request":{"method":"PUT","url":"https://x.test/a","headers":[]},"response":{"status":200,"headers":[],"content":{"text":"eyJhIjoxfQ","encoding":"base64"}}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, `{"a":1}`, string(p.ResponseBody))
			},
		},
		{
			name:  "gzip body with Content-Encoding",
			entry: `{"request":{"method":"PUT","url":"https://x.test/a","headers":[]},"response":{"status":200,"headers":[{"name":"Content-Encoding","value":"gzip"},{"name":"Content-Length","value":"31"}],"content":{"text":"` + gzB64 + `","encoding":"base64"}}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, `{"ok":true}`, string(p.ResponseBody))
				assert.Empty(t, p.ResponseHeader.Get("Content-Encoding"))
				assert.Empty(t, p.ResponseHeader.Get("Content-Length"))
			},
		},
		{
			name:  "Content-Encoding gzip but text already decoded (browsers)",
			entry: `{"request":{"method":"PUT","url":"https://x.test/a","headers":[]},"response":{"status":200,"headers":[{"name":"Content-Encoding","value":"gzip"}],"content":{"text":"{\"ok\":true}"}}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, `{"ok":true}`, string(p.ResponseBody))
			},
		},
		{
			name:  "repeated headers are kept",
			entry: `{"request":{"method":"PUT","url":"https://x.test/a","headers":[{"name":"X-A","value":"1"},{"name":"x-a","value":"2"}]},"response":{"status":200,"headers":[]}}`,
			check: func(t *testing.T, p contract.Pair) {
				assert.Equal(t, []string{"1", "2"}, p.RequestHeader.Values("X-A"))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pairs, err := capture.LoadHAR(strings.NewReader(harWith(tt.entry)), "t.har")
			require.NoError(t, err)
			require.Len(t, pairs, 1)
			tt.check(t, pairs[0])
		})
	}
}

func TestLoadHARErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"not json", "<html>", []string{"bad.har", "line 1, column 1"}},
		{"syntax error on line 3", "{\"log\":{\n\"entries\":[\n{,}]}}", []string{"bad.har", "line 3"}},
		{"truncated", `{"log":{"entries":[`, []string{"bad.har", "truncated"}},
		{"no log", `{"entries":[]}`, []string{"bad.har", "not a HAR file", `no "log" object`}},
		{"wrong type", `{"log":{"entries":{}}}`, []string{"bad.har", "line 1, column 19", `"entries" is not an array`}},
		{"wrong field type", harWith(`{"request":{"method":5}}`), []string{"bad.har", "entry 0 (line 1)", "cannot unmarshal"}},
		{"no request", harWith(`{"response":{"status":200}}`), []string{"bad.har", "entry 0", "no request"}},
		{"no url", harWith(`{"request":{"method":"PUT"},"response":{"status":200}}`), []string{"bad.har", "entry 0", "no url"}},
		{"no method", harWith(`{"request":{"url":"https://x.test/"},"response":{"status":200}}`), []string{"entry 0", "no method"}},
		{"bad status", harWith(`{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":"ok"}}`), []string{"bad.har", "status is not an integer"}},
		{"bad base64", harWith(`{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":200,"content":{"text":"!!!","encoding":"base64"}}}`), []string{"entry 0", "response content", "base64"}},
		{"broken gzip", harWith(`{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":200,"headers":[{"name":"Content-Encoding","value":"gzip"}],"content":{"text":"H4sIAAAA","encoding":"base64"}}}`), []string{"entry 0", "gzip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pairs, err := capture.LoadHAR(strings.NewReader(tt.in), "bad.har")
			require.Error(t, err)
			assert.Nil(t, pairs)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoadHARErrorsNeverQuoteBodies(t *testing.T) {
	t.Parallel()
	const canary = "CANARY-PRIVATE-KEY-0000"
	in := harWith(`{"request":{"method":"PUT","url":"https://x.test/","postData":{"text":"` + canary + `","encoding":"base64"}},"response":{"status":200}}`)
	_, err := capture.LoadHAR(strings.NewReader(in), "bad.har")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), canary)
}
