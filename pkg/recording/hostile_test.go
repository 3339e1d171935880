package recording_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/recording"
)

// hostileToken is a member session token registered with the recorder.
const hostileToken = "session-token-ECHOCANARY-TOKEN-b2e4"

// TestRecorderHostileEncodingsNeverOnDisk records exchanges with a server
// echoing the project secret (learned from the Basic credential) and a
// registered session token in each encoding of issue 21 section 5, in a
// JSON field, an HTML body and a response header, and with both in the
// request's query; reloading the file, no decoding of it, nor of any field
// of its interactions, shows either.
func TestRecorderHostileEncodingsNeverOnDisk(t *testing.T) {
	t.Parallel()
	for _, enc := range testutil.HostileEncodings() {
		for _, ch := range []string{"json field", "html body", "header", "query"} {
			if (ch == "header" || ch == "query") && !enc.HeaderSafe {
				continue
			}
			t.Run(enc.Name+"/"+ch, func(t *testing.T) {
				t.Parallel()
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, pass, _ := r.BasicAuth()
					echo := enc.Encode(pass) + " " + enc.Encode(r.Header.Get("X-Stytch-Member-Session"))
					switch ch {
					case "json field":
						w.Header().Set("Content-Type", "application/json")
						out, _ := json.Marshal(map[string]string{"note": echo})
						_, _ = w.Write(out)
					case "html body":
						w.Header().Set("Content-Type", "text/html")
						_, _ = io.WriteString(w, "<p>"+echo+"</p>")
					case "header":
						w.Header().Set("X-Note", echo)
					}
				}))
				defer srv.Close()
				path := filepath.Join(t.TempDir(), "echo.yaml")
				rec, err := recording.New(path, recording.WithMode(recording.ModeRecord), recording.WithSecrets(hostileToken))
				require.NoError(t, err)
				target := srv.URL + "/v1/x"
				if ch == "query" {
					target += "?note=" + url.QueryEscape(enc.Encode(echoSecret)+" "+enc.Encode(hostileToken))
				}
				req, err := http.NewRequest(http.MethodPut, target, strings.NewReader(`{}`))
				require.NoError(t, err)
				req.SetBasicAuth(testProjectID, echoSecret)
				req.Header.Set("X-Stytch-Member-Session", hostileToken)
				data := recordOne(t, rec, req)
				texts := map[string]string{"file": string(data)}
				c, err := cassette.Load(strings.TrimSuffix(path, ".yaml"))
				require.NoError(t, err)
				require.Len(t, c.Interactions, 1)
				i := c.Interactions[0]
				texts["request URL"] = i.Request.URL
				texts["response body"] = i.Response.Body
				for k, vs := range i.Response.Headers {
					texts["response header "+k] = strings.Join(vs, ",")
				}
				for where, text := range texts {
					assert.Empty(t, testutil.Reveals(text, "ECHOCANARY"), "%s shows a secret:\n%s", where, text)
				}
				switch ch {
				case "query":
					assert.Contains(t, i.Request.URL, "note=", "the query was recorded")
				case "header":
					assert.NotEmpty(t, i.Response.Headers.Get("X-Note"), "the header was recorded")
				default:
					assert.NotEmpty(t, i.Response.Body, "the body was recorded")
				}
			})
		}
	}
}
