package sso

import (
	"os/exec"
	"strings"
	"testing"
)

// A program that only calls Stytch links only what calling Stytch needs:
// not the validator, kin-openapi, any YAML library, go-vcr or oasdiff.
// The validator reaches the client through WithExchangeCheck (pkg/ssocheck).
func TestClientLinksNoContractMachinery(t *testing.T) {
	t.Parallel()
	forbidden := []string{
		"github.com/stytchsso/stytchsso/pkg/contract",
		"github.com/stytchsso/stytchsso/pkg/recording",
		"github.com/stytchsso/stytchsso/pkg/provider",
		"github.com/stytchsso/stytchsso/pkg/specdiff",
		"github.com/getkin/kin-openapi",
		"gopkg.in/dnaeon/go-vcr",
		"github.com/oasdiff",
		"yaml",
	}
	for _, pkg := range []string{"github.com/stytchsso/stytchsso/pkg/sso", "github.com/stytchsso/stytchsso/gen/stytchsso"} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed %d packages; want the whole graph", pkg, len(deps))
		}
		for _, dep := range deps {
			if dep == "github.com/stytchsso/stytchsso/api" {
				// api/names, which imports nothing, is allowed.
				t.Errorf("%s depends on the spec's parser, package api", pkg)
			}
			for _, f := range forbidden {
				if strings.Contains(dep, f) {
					t.Errorf("%s depends on %s (matches %q)", pkg, dep, f)
				}
			}
		}
	}
}
