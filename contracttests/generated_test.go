package contracttests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

func ptr[T any](v T) *T { return &v }

// TestGeneratedRequestsCarryDeliberateZeroValues is the reason the project
// generates its own types: the vendor SDK tags every field omitempty on a
// value type and can never send false, "" or [].
func TestGeneratedRequestsCarryDeliberateZeroValues(t *testing.T) {
	tests := []struct {
		name string
		body any
		want string
	}{
		{"nothing set", stytchsso.UpdateSAMLConnectionRequest{}, `{}`},
		{"flag switched back off", stytchsso.UpdateSAMLConnectionRequest{IDPInitiatedAuthDisabled: ptr(false)}, `{"idp_initiated_auth_disabled":false}`},
		{"empty string", stytchsso.UpdateSAMLConnectionRequest{AlternativeACSURL: ptr("")}, `{"alternative_acs_url":""}`},
		{"cleared list", stytchsso.UpdateSAMLConnectionRequest{
			SAMLGroupImplicitRoleAssignments: &[]stytchsso.SAMLGroupImplicitRoleAssignment{},
		}, `{"saml_group_implicit_role_assignments":[]}`},
		{"external nothing set", stytchsso.UpdateExternalConnectionRequest{}, `{}`},
		{"external cleared lists", stytchsso.UpdateExternalConnectionRequest{
			ExternalConnectionImplicitRoleAssignments: &[]stytchsso.ConnectionImplicitRoleAssignment{},
			ExternalGroupImplicitRoleAssignments:      &[]stytchsso.GroupImplicitRoleAssignment{},
			DisplayName:                               ptr(""),
		}, `{"display_name":"","external_connection_implicit_role_assignments":[],"external_group_implicit_role_assignments":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.body)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
		})
	}
}

// TestCheckGenerateCatchesASpecEditWithoutRegeneration proves that
// `make check-generate` can fail: it edits the spec in a copy of the module
// and expects the check to reject the copy with a diff.
func TestCheckGenerateCatchesASpecEditWithoutRegeneration(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	root := testutil.ModuleRoot(t)
	script := filepath.Join(root, "scripts", "check-generate.sh")

	ok := exec.Command("bash", script, root)
	out, err := ok.CombinedOutput()
	require.NoError(t, err, "check-generate on the committed tree:\n%s", out)

	copyDir := t.TempDir()
	for _, rel := range []string{"go.mod", "go.sum", "tools.go", "api", "gen"} {
		cp := exec.Command("cp", "-R", filepath.Join(root, rel), filepath.Join(copyDir, rel))
		out, err := cp.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	specPath := filepath.Join(copyDir, "api", "openapi.yaml")
	spec, err := os.ReadFile(specPath)
	require.NoError(t, err)
	edited := strings.Replace(string(spec), "        allow_gateway_callback:\n          type: boolean\n",
		"        allow_gateway_callback:\n          type: boolean\n        brand_new_field:\n          type: string\n", 1)
	require.NotEqual(t, string(spec), edited)
	require.NoError(t, os.WriteFile(specPath, []byte(edited), 0o644))

	bad := exec.Command("bash", script, copyDir)
	out, err = bad.CombinedOutput()
	require.Error(t, err, "check-generate accepted a spec edit without regeneration:\n%s", out)
	assert.Contains(t, string(out), "BrandNewField", "the diff names the missing generated field")
	assert.Contains(t, string(out), "make generate")
}
