package specdiff_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/stytchsso/stytchsso/api"
)

func TestZZDebug(t *testing.T) {
	up := upstreamWith(t, "                $ref: '#/components/schemas/api_sso_v1_sso_saml_UpdateConnectionResponse'\n        '400':\n          description: Bad request\n",
		"                $ref: '#/components/schemas/api_sso_v1_sso_saml_UpdateConnectionResponse'\n        '400':\n          description: Bad request\n        '409':\n          description: Conflict\n",
		"              $ref: '#/components/schemas/api_sso_v1_sso_saml_UpdateConnectionRequest'\n      parameters:\n",
		"              $ref: '#/components/schemas/api_sso_v1_sso_saml_UpdateConnectionRequest'\n      parameters:\n      - name: X-Stytch-Request-Tag\n        in: header\n        required: false\n        description: A tag Stytch repeats in its logs.\n        schema:\n          type: string\n",
	)
	p := syncUpstream(t, api.YAML(), up, acceptedList(t))
	fmt.Printf("%+v\n", p.Additions)
	fmt.Printf("%+v\n", p.Accept)
	for _, d := range p.Decisions {
		fmt.Printf("DEC %+v\n", d)
	}
	os.WriteFile("/tmp/out.yaml", p.Spec, 0o644)
}
