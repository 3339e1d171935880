package specdiff_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stytchsso/stytchsso/api"
)

func TestZZDebug(t *testing.T) {
	start := time.Now()
	up := upstreamWith(t, samlConnectionSchema, samlConnectionSchema+newProperty, samlRequestSchema, samlRequestSchema+newProperty,
		providerEnumTail, "      - salesforce\n      - shibboleth\n      - authentik\n    api_sso_v1_sso_saml_CreateConnectionRequest:\n")
	p := syncUpstream(t, api.YAML(), up, acceptedList(t))
	fmt.Println("took", time.Since(start))
	fmt.Printf("%+v\n", p.Additions)
	for _, d := range p.Decisions { fmt.Printf("DEC %+v\n", d) }
	os.WriteFile("/tmp/out.yaml", p.Spec, 0o644)
}
