package capture_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

func TestLoadCassetteFixture(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/cassettes/valid.yaml")
	require.NoError(t, err)
	defer f.Close()

	pairs, err := capture.LoadCassette(f, "valid.yaml")
	require.NoError(t, err)
	require.Len(t, pairs, 3)
	for i, p := range pairs {
		assert.Equal(t, i, p.Index)
		assert.Equal(t, "valid.yaml", p.Source)
		assert.Equal(t, "PUT", p.Method)
		assert.NotEmpty(t, p.RequestBody)
		assert.NotEmpty(t, p.ResponseBody)
		assert.Equal(t, "application/json", p.ResponseHeader.Get("Content-Type"))
	}
	assert.Equal(t, 200, pairs[0].StatusCode)
	assert.Contains(t, pairs[1].URL, "/v1/b2b/sso/external/")
	assert.Equal(t, 404, pairs[2].StatusCode)
}

// saveCassette writes interactions with go-vcr's own types and marshaller,
// so the test checks the loader against what the recorder produces.
func saveCassette(t *testing.T, interactions ...*cassette.Interaction) string {
	t.Helper()
	c := struct {
		Version      int                     `yaml:"version"`
		Interactions []*cassette.Interaction `yaml:"interactions"`
	}{cassette.CassetteFormatVersion, interactions}
	out, err := yaml.Marshal(c)
	require.NoError(t, err)
	return string(out)
}

func TestLoadCassetteGzipAndHeaders(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"status_code":200}`))
	require.NoError(t, zw.Close())

	in := saveCassette(t, &cassette.Interaction{
		Request: cassette.Request{
			Method:  "put",
			URL:     "https://test.stytch.com/v1/b2b/sso/external/o/connections/c",
			Headers: map[string][]string{"content-type": {"application/json"}},
			Body:    `{"display_name":"x"}`,
		},
		Response: cassette.Response{
			Code:    200,
			Headers: map[string][]string{"Content-Encoding": {"gzip"}, "Content-Type": {"application/json"}},
			Body:    gz.String(),
		},
	})
	pairs, err := capture.LoadCassette(strings.NewReader(in), "gz.yaml")
	require.NoError(t, err)
	require.Len(t, pairs, 1)
	p := pairs[0]
	assert.Equal(t, "PUT", p.Method)
	assert.Equal(t, "application/json", p.RequestHeader.Get("Content-Type"), "header names canonicalised")
	assert.Equal(t, `{"status_code":200}`, string(p.ResponseBody))
	assert.Empty(t, p.ResponseHeader.Get("Content-Encoding"))
}

func TestLoadCassetteErrors(t *testing.T) {
	t.Parallel()
	const canary = "CANARY-SECRET-0000"
	valid := "version: 2\ninteractions:\n- request: {method: PUT, url: 'https://x.test/'}\n  response: {code: 200}\n"
	tests := []struct {
		name, in string
		want     []string
	}{
		{"syntax error", "version: 2\ninteractions:\n  - request: [\n", []string{"bad.yaml", "line"}},
		{"tab indentation", "version: 2\n\tinteractions: []\n", []string{"bad.yaml", "line 2"}},
		{"not a cassette", "hello: world\n", []string{"bad.yaml", "go-vcr cassette", "no \"version\""}},
		{"wrong version", "version: 1\ninteractions: []\n", []string{"bad.yaml", "format version 1, want 2"}},
		{"wrong type, value not quoted", "version: 2\ninteractions:\n- request: {method: PUT, url: 'https://x.test/'}\n  response: {code: " + canary + "}\n", []string{"bad.yaml", "line 4"}},
		{"no code", "version: 2\ninteractions:\n- request: {method: PUT, url: 'https://x.test/'}\n  response: {}\n", []string{"bad.yaml", "interaction 0", "no code"}},
		{"no url", "version: 2\ninteractions:\n- request: {method: PUT}\n  response: {code: 200}\n", []string{"interaction 0", "no url"}},
		{"no method", "version: 2\ninteractions:\n- request: {url: 'https://x.test/'}\n  response: {code: 200}\n", []string{"interaction 0", "no method"}},
		{"null interaction", valid + "- null\n", []string{"interaction 1", "empty interaction"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pairs, err := capture.LoadCassette(strings.NewReader(tt.in), "bad.yaml")
			require.Error(t, err)
			assert.Nil(t, pairs)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), canary)
		})
	}
}
