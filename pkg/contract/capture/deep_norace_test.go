//go:build !race

// The race detector makes the YAML library's reading of a 50 MB cassette
// take half a minute, so this check runs in plain `go test` only.

package capture

import (
	"strings"
	"testing"
)

// TestCassetteDeeperThanTheLibraryAllows: an interaction holding a mapping
// nested more than 10,000 levels deep (in a key go-vcr has no field for),
// which the YAML library refuses: the fast reader must not hand it over.
// The file is 50 MB, each level indented one space more.
func TestCassetteDeeperThanTheLibraryAllows(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("version: 2\ninteractions:\n- request:\n    method: PUT\n    url: https://x.test/\n    x:\n")
	for i := range 10002 {
		b.WriteString(strings.Repeat(" ", 5+i) + "a:\n")
	}
	b.WriteString("  response:\n    code: 200\n")
	data := []byte(b.String())
	ref := viaReference(data)
	if ref.err == nil || !strings.Contains(ref.err.Error(), "depth") {
		t.Fatalf("the reference reader reads it (%v): the case tests nothing", ref.err)
	}
	if err := samePairs(viaFast(data), ref, true); err != nil {
		t.Fatalf("fast reader vs reference: %v", err)
	}
}
