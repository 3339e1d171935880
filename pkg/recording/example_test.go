package recording_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/stytchsso/stytchsso/pkg/recording"
)

func Example() {
	dir, _ := os.MkdirTemp("", "recording-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "update.yaml")

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"request_id":"request-id-test-1","status_code":200}`)
	}))
	defer srv.Close()

	put := func(client *http.Client, secret string) (int, error) {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v1/b2b/sso/external/org/connections/conn",
			strings.NewReader(`{"display_name":"Acme"}`))
		req.SetBasicAuth("project-test-00000000-0000-0000-0000-000000000000", secret)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	// Record once, with the real secret registered.
	rec, _ := recording.New(path, recording.WithMode(recording.ModeRecord), recording.WithSecrets("secret-test-example"))
	code, _ := put(rec.Client(), "secret-test-example")
	_ = rec.Stop()
	saved, _ := os.ReadFile(path)
	fmt.Println("recorded", code, "secret on disk:", strings.Contains(string(saved), "secret-test-example"))

	// Replay, with other credentials: no network.
	srv.Close()
	rep, _ := recording.New(path)
	code, err := put(rep.Client(), "secret-test-other")
	fmt.Println("replayed", code, err)

	// A missing recording names the command that makes it.
	_, err = recording.New(filepath.Join(dir, "missing.yaml"))
	fmt.Println(strings.Contains(err.Error(), `record it with "make record"`))
	// Output:
	// recorded 200 secret on disk: false
	// replayed 200 <nil>
	// true
}
