package specdiff_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/pmezard/go-difflib/difflib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/specdiff"
)

// upstreamWith returns Stytch's document with the replacements made,
// cut down to our two operations and the schemas they reach (byte for
// byte as published) so that the many variants below parse quickly;
// TestSyncUpstreamNothingNew reads the whole document.
func upstreamWith(t *testing.T, pairs ...string) *openapi3.T {
	t.Helper()
	up, err := specdiff.LoadUpstream(testutil.StytchUpstreamOurs(t, pairs...), "upstream.yml")
	require.NoError(t, err)
	return up
}

// acceptedList is api/upstream-accepted.json: the differences the project
// has decided to keep.
func acceptedList(t *testing.T) []specdiff.Difference {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "api", "upstream-accepted.json"))
	require.NoError(t, err)
	var doc struct {
		Differences []specdiff.Difference `json:"differences"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.NotEmpty(t, doc.Differences)
	return doc.Differences
}

func syncUpstream(t *testing.T, spec []byte, up *openapi3.T, accepted []specdiff.Difference) *specdiff.Proposal {
	t.Helper()
	p, err := specdiff.SyncUpstream(spec, up, accepted)
	require.NoError(t, err)
	return p
}

// Fixture edits of Stytch's document (at the places testutil names).
const (
	samlConnectionSchema = testutil.UpstreamSAMLConnection
	samlRequestSchema    = testutil.UpstreamSAMLRequest
	providerEnumTail     = testutil.UpstreamProviderEnumEnd
	samlResponse400      = testutil.UpstreamSAML400
	samlParameters       = testutil.UpstreamSAMLParameters
	newProperty          = "        sp_metadata_url:\n          type: string\n          format: uri\n          nullable: true\n          description: The URL of the service provider metadata Stytch publishes for this connection.\n"
	newHeader            = "      - name: X-Stytch-Request-Tag\n        in: header\n        required: false\n        description: A tag Stytch repeats in its logs.\n        schema:\n          type: string\n"
	samlOp               = "PUT /v1/b2b/sso/saml/{organization_id}/connections/{connection_id}"
)

// TestSyncUpstreamNothingNew: Stytch's document as published, with the
// project's accepted list, proposes nothing and leaves the file alone.
func TestSyncUpstreamNothingNew(t *testing.T) {
	t.Parallel()
	up, err := specdiff.LoadUpstream(testutil.StytchUpstream(t), "openapi.yml")
	require.NoError(t, err)
	p := syncUpstream(t, api.YAML(), up, acceptedList(t))
	assert.True(t, p.Empty(), "proposal %+v", p)
	sameText(t, api.YAML(), p.Spec, "the spec is untouched")
}

// sameText asserts got == want, showing a unified diff when not.
func sameText(t *testing.T, want, got []byte, msg string) {
	t.Helper()
	if string(want) == string(got) {
		return
	}
	diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)), FromFile: "want", ToFile: "got", Context: 2,
	})
	t.Errorf("%s:\n%s", msg, diff)
}

// TestSyncUpstreamAdditions: each addition upstream is written into our
// spec exactly (the inserted text and where), in our components with our
// names and $refs, every other byte of the file unchanged, and a second
// run on the result proposes nothing.
func TestSyncUpstreamAdditions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		upstream []string // old, new pairs applied to Stytch's document
		want     []insert // text inserted right after the text of ours named
		what     []string // "where pointer: what" of every addition
		accept   int      // differences our conventions keep
	}{
		{
			name:     "property in the shared connection schema, request and response",
			upstream: []string{samlConnectionSchema, samlConnectionSchema + newProperty, samlRequestSchema, samlRequestSchema + newProperty},
			want: []insert{
				{after: "          description: Whether the connection accepts callbacks through a gateway (not described by Stytch).\n", text: newPropertyOurs},
				{after: "        attribute_mapping:\n          $ref: '#/components/schemas/AttributeMapping'\n", follow: "      example:\n        organization_id: organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931\n        connection_id: saml-connection-test-51861cbc", text: newPropertyOurs},
			},
			what: []string{"request body /sp_metadata_url: property copied from upstream", "response 200 /connection/sp_metadata_url: property copied from upstream"},
		},
		{
			name: "properties with component references, ours and a new one",
			upstream: []string{
				samlConnectionSchema, samlConnectionSchema + "        backup_certificates:\n          type: array\n          items:\n            $ref: '#/components/schemas/api_sso_v1_X509Certificate'\n        sso_policy:\n          $ref: '#/components/schemas/api_sso_v1_SSOPolicy'\n",
				"    api_sso_v1_SAMLConnectionImplicitRoleAssignment:\n", "    api_sso_v1_SSOPolicy:\n      type: object\n      properties:\n        enforced:\n          type: boolean\n        updated_at:\n          type: string\n          format: date-time\n      required:\n      - enforced\n    api_sso_v1_SAMLConnectionImplicitRoleAssignment:\n",
			},
			want: []insert{
				{after: "        attribute_mapping:\n          $ref: '#/components/schemas/AttributeMapping'\n", follow: "      example:\n        organization_id: organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931\n        connection_id: saml-connection-test-51861cbc",
					text: "        backup_certificates:\n          type: array\n          items:\n            $ref: '#/components/schemas/X509Certificate'\n        sso_policy:\n          $ref: '#/components/schemas/SSOPolicy'\n"},
				{after: "          description: Extra structured detail some errors carry.\n      example:\n        status_code: 404\n        request_id: request-id-test-0f4b8c2d-9e61-4a37-b5d8-6c1e2f3a4b50\n        error_type: organization_not_found\n        error_message: The organization could not be found.\n        error_url: https://stytch.com/docs/api/errors/404\n",
					text: "    SSOPolicy:\n      type: object\n      required: [enforced]\n      properties:\n        enforced:\n          type: boolean\n        updated_at:\n          type: string\n          format: date-time\n"},
			},
			what:   []string{"response 200 /connection/backup_certificates: property copied from upstream", "response 200 /connection/sso_policy: property copied from upstream"},
			accept: 3, // X509Certificate's date-time formats, as for its other uses
		},
		{
			name:     "identity_provider value",
			upstream: []string{providerEnumTail, "      - salesforce\n      - shibboleth\n      - authentik\n    api_sso_v1_sso_saml_CreateConnectionRequest:\n"},
			want:     []insert{{after: "        - salesforce\n        - shibboleth\n", text: "        - authentik\n"}},
			what:     []string{"request body /identity_provider: enum value copied from upstream: authentik"},
		},
		{
			name:     "response status",
			upstream: []string{samlResponse400, samlResponse400 + "        '409':\n          description: The connection is being changed by another request.\n"},
			want: []insert{
				{after: "        '404':\n          $ref: '#/components/responses/NotFound'\n", follow: "        '429':\n          $ref: '#/components/responses/TooManyRequests'\n        '500':\n          $ref: '#/components/responses/InternalServerError'\n  /v1/b2b/sso/external", text: "        '409':\n          $ref: '#/components/responses/Conflict'\n"},
				{after: "            error_message: Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.\n            error_url: https://stytch.com/docs/api/errors/500\n",
					text: "    Conflict:\n      description: The connection is being changed by another request.\n      content:\n        application/json:\n          schema:\n            $ref: '#/components/schemas/ErrorResponse'\n"},
			},
			what:   []string{"response 409: response copied from upstream (our ErrorResponse body)"},
			accept: 1,
		},
		{
			name:     "optional header",
			upstream: []string{samlParameters, samlParameters + newHeader},
			want: []insert{
				{after: "        - $ref: '#/components/parameters/MemberSessionJWT'\n", follow: "      requestBody:\n        required: false\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/UpdateSAMLConnectionRequest'\n", text: "        - $ref: '#/components/parameters/RequestTag'\n"},
				{after: "        A member's session JWT, the signed alternative to the session token,\n        with the same permission check.\n      schema:\n        type: string\n",
					text: "    RequestTag:\n      name: X-Stytch-Request-Tag\n      x-go-name: RequestTag\n      in: header\n      required: false\n      description: A tag Stytch repeats in its logs.\n      schema:\n        type: string\n"},
			},
			what: []string{"parameter header X-Stytch-Request-Tag: optional header parameter copied from upstream"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			upstream := upstreamWith(t, tt.upstream...)
			accepted := acceptedList(t)
			p := syncUpstream(t, api.YAML(), upstream, accepted)
			assert.Empty(t, p.Decisions)
			assert.Len(t, p.Accept, tt.accept)
			var what []string
			for _, a := range p.Additions {
				assert.Equal(t, samlOp, a.Operation)
				what = append(what, strings.TrimSpace(a.Where+" "+a.Pointer)+": "+a.What)
			}
			assert.Equal(t, tt.what, what)
			sameText(t, withInserts(t, api.YAML(), tt.want), p.Spec, "the spec is ours plus exactly the inserted lines")

			again := syncUpstream(t, p.Spec, upstream, append(accepted, p.Accept...))
			assert.True(t, again.Empty(), "a second run proposes nothing: %+v %+v %+v", again.Additions, again.Decisions, again.Accept)
			sameText(t, p.Spec, again.Spec, "the second run leaves the file alone")
		})
	}
}

// newPropertyOurs is newProperty as our spec writes it.
const newPropertyOurs = "        sp_metadata_url:\n          type: string\n          format: uri\n          nullable: true\n          description: The URL of the service provider metadata Stytch publishes for this connection.\n"

// insert is text placed in our spec between after and follow, which
// together occur once.
type insert struct {
	after, follow string
	text          string
}

// withInserts returns spec with each insert applied.
func withInserts(t *testing.T, spec []byte, ins []insert) []byte {
	t.Helper()
	s := string(spec)
	for _, in := range ins {
		anchor := in.after + in.follow
		require.Equal(t, 1, strings.Count(s, anchor), "anchor %q occurs once in our spec", anchor)
		end := strings.Index(s, anchor) + len(in.after)
		s = s[:end] + in.text + s[end:]
	}
	return []byte(s)
}

// TestSyncUpstreamDecisions: what is not an addition is listed with both
// sides and never applied: the file comes back byte for byte.
func TestSyncUpstreamDecisions(t *testing.T) {
	t.Parallel()
	statusField := testutil.UpstreamSAMLStatusField
	acsField := "        acs_url:\n          type: string\n          description: The URL of the Assertion Consumer Service. This value will\n            be passed to the IdP to redirect the Member back to Stytch after a sign-in\n            attempt. Read our [SAML Overview](https://stytch.com/docs/b2b/api/saml-overview)\n            for more info.\n"
	required := "      - idp_initiated_auth_disabled\n      - allow_gateway_callback\n    api_sso_v1_SAMLConnectionImplicitRoleAssignment:\n"
	tests := []struct {
		name     string
		upstream []string
		want     specdiff.Difference
	}{
		{
			name:     "type changed",
			upstream: []string{statusField, strings.Replace(statusField, "type: string", "type: integer", 1)},
			want:     specdiff.Difference{Operation: samlOp, Where: "response 200", Pointer: "/connection/status", Aspect: "type", Ours: "string", Upstream: "integer"},
		},
		{
			name:     "property removed",
			upstream: []string{acsField, ""},
			want:     specdiff.Difference{Operation: samlOp, Where: "response 200", Pointer: "/connection/acs_url", Aspect: "presence", Ours: "string, required", Upstream: "absent"},
		},
		{
			name:     "field made required",
			upstream: []string{required, strings.Replace(required, "      - allow_gateway_callback\n", "      - allow_gateway_callback\n      - attribute_mapping\n", 1)},
			want:     specdiff.Difference{Operation: samlOp, Where: "response 200", Pointer: "/connection/attribute_mapping", Aspect: "required", Ours: "optional", Upstream: "required"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := syncUpstream(t, api.YAML(), upstreamWith(t, tt.upstream...), acceptedList(t))
			assert.Empty(t, p.Additions)
			assert.Empty(t, p.Accept)
			sameText(t, api.YAML(), p.Spec, "the spec is untouched")
			require.Len(t, p.Decisions, 1)
			assert.Equal(t, tt.want, p.Decisions[0].Difference)
			assert.NotEmpty(t, p.Decisions[0].Why)
		})
	}
}

// TestSyncUpstreamGenerates: with every kind of addition at once, the
// written spec is what `make generate` turns into Go: oapi-codegen, with
// the project's own configuration, gains the field, the enum constant, the
// 409 body and the header parameter.
func TestSyncUpstreamGenerates(t *testing.T) {
	t.Parallel()
	upstream := upstreamWith(t,
		samlConnectionSchema, samlConnectionSchema+newProperty, samlRequestSchema, samlRequestSchema+newProperty,
		providerEnumTail, "      - salesforce\n      - shibboleth\n      - authentik\n    api_sso_v1_sso_saml_CreateConnectionRequest:\n",
		samlResponse400, samlResponse400+"        '409':\n          description: Conflict\n",
		samlParameters, samlParameters+newHeader,
	)
	p := syncUpstream(t, api.YAML(), upstream, acceptedList(t))
	assert.Len(t, p.Additions, 5)
	assert.Empty(t, p.Decisions)

	before, after := generate(t, api.YAML()), generate(t, p.Spec)
	for _, want := range []string{
		"SpMetadataURL *string `json:\"sp_metadata_url,omitempty\"`",
		"IdentityProviderAuthentik IdentityProvider = \"authentik\"",
		"JSON409 *Conflict",
		"RequestTag *RequestTag `json:\"X-Stytch-Request-Tag,omitempty\"`",
	} {
		assert.False(t, strings.Contains(before, want), "the generated code lacks %q before the sync", want)
		assert.True(t, strings.Contains(after, want), "the generated code has %q after the sync", want)
	}
}

// generate runs oapi-codegen, as `make generate` does (the library of the
// version go.mod pins, the configuration in gen/), on a spec.
func generate(t *testing.T, spec []byte) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "gen", "stytchsso", "oapi-codegen.yaml"))
	require.NoError(t, err)
	var cfg codegen.Configuration
	require.NoError(t, yaml.Unmarshal(raw, &cfg))
	cfg = cfg.UpdateDefaults()
	require.NoError(t, cfg.Validate())
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	require.NoError(t, err)
	code, err := codegen.Generate(doc, cfg)
	require.NoError(t, err)
	return regexp.MustCompile(`[ \t]+`).ReplaceAllString(code, " ")
}

// TestSyncUpstreamNewRequiredField: a field upstream adds as required is
// written as optional (our examples and callers keep working) and its
// required-ness stays a decision, in this run and the next, never accepted
// silently.
func TestSyncUpstreamNewRequiredField(t *testing.T) {
	t.Parallel()
	body := "          description: The [SAML Connection Object](https://stytch.com/docs/b2b/api/saml-connection-object)\n      required:\n      - request_id\n      - status_code\n    api_sso_v1_sso_external_CreateConnectionRequest:"
	upstream := upstreamWith(t, body, strings.Replace(body, "      - status_code\n", "      - status_code\n      - trace_id\n", 1),
		"    api_sso_v1_sso_saml_UpdateConnectionResponse:\n      type: object\n      properties:\n",
		"    api_sso_v1_sso_saml_UpdateConnectionResponse:\n      type: object\n      properties:\n        trace_id:\n          type: string\n")
	accepted := acceptedList(t)
	p := syncUpstream(t, api.YAML(), upstream, accepted)
	require.Len(t, p.Additions, 1)
	assert.Equal(t, "/trace_id", p.Additions[0].Pointer)
	assert.Empty(t, p.Accept)
	want := []specdiff.Difference{{Operation: samlOp, Where: "response 200", Pointer: "/trace_id", Aspect: "required", Ours: "optional", Upstream: "required"}}
	got := func(p *specdiff.Proposal) []specdiff.Difference {
		var out []specdiff.Difference
		for _, d := range p.Decisions {
			out = append(out, d.Difference)
		}
		return out
	}
	assert.Equal(t, want, got(p))

	again := syncUpstream(t, p.Spec, upstream, accepted)
	assert.Empty(t, again.Additions)
	assert.Equal(t, want, got(again), "the next run still asks for the decision")
}

// TestSyncUpstreamNeverAcceptsADecision: what an addition leaves behind
// that is not one of our conventions stays a decision and never reaches
// the accepted list: an enum value removed upstream while another is
// added, and a second media type of a new response.
func TestSyncUpstreamNeverAcceptsADecision(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		upstream []string
		want     specdiff.Difference
	}{
		{
			name:     "enum value removed beside one added",
			upstream: []string{providerEnumTail, "      - salesforce\n      - authentik\n    api_sso_v1_sso_saml_CreateConnectionRequest:\n"},
			want:     specdiff.Difference{Operation: samlOp, Where: "request body", Pointer: "/identity_provider", Aspect: "enum", Ours: "16 values, only here: shibboleth", Upstream: "15 values"},
		},
		{
			name:     "new response with a second media type",
			upstream: []string{samlResponse400, samlResponse400 + "        '409':\n          description: Conflict\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  reason:\n                    type: string\n            text/plain:\n              schema:\n                type: string\n"},
			want:     specdiff.Difference{Operation: samlOp, Where: "response 409", Aspect: "content-type", Ours: "absent", Upstream: "text/plain"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := syncUpstream(t, api.YAML(), upstreamWith(t, tt.upstream...), acceptedList(t))
			assert.Len(t, p.Additions, 1)
			assert.Empty(t, p.Accept, "nothing is accepted on a person's behalf")
			var decided []specdiff.Difference
			for _, d := range p.Decisions {
				decided = append(decided, d.Difference)
			}
			assert.Equal(t, []specdiff.Difference{tt.want}, decided)
		})
	}
}

// TestSyncUpstreamConstraints: a constraint added or changed upstream (a
// length, a pattern, a bound) or a field deprecated is a decision, never
// applied and never silent; a new property brings its constraints along.
func TestSyncUpstreamConstraints(t *testing.T) {
	t.Parallel()
	status := testutil.UpstreamSAMLStatusField
	for _, tt := range []struct {
		name, add string
		want      specdiff.Difference
	}{
		{"maxLength", "          maxLength: 20\n", specdiff.Difference{Aspect: "maxLength", Ours: "none", Upstream: "20"}},
		{"pattern", "          pattern: ^[a-z]+$\n", specdiff.Difference{Aspect: "pattern", Ours: "none", Upstream: "^[a-z]+$"}},
		{"deprecated", "          deprecated: true\n", specdiff.Difference{Aspect: "deprecated", Ours: "false", Upstream: "true"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := syncUpstream(t, api.YAML(), upstreamWith(t, status, status+tt.add), acceptedList(t))
			assert.Empty(t, p.Additions)
			assert.Empty(t, p.Accept)
			sameText(t, api.YAML(), p.Spec, "the spec is untouched")
			want := tt.want
			want.Operation, want.Where, want.Pointer = samlOp, "response 200", "/connection/status"
			require.Len(t, p.Decisions, 1)
			assert.Equal(t, want, p.Decisions[0].Difference)
		})
	}
	t.Run("new property", func(t *testing.T) {
		t.Parallel()
		field := "        tenant_code:\n          type: string\n          maxLength: 8\n          minLength: 2\n          pattern: ^[A-Z]+$\n          deprecated: true\n          description: 'A code: see #codes.'\n"
		upstream := upstreamWith(t, samlConnectionSchema, samlConnectionSchema+field)
		p := syncUpstream(t, api.YAML(), upstream, acceptedList(t))
		assert.Empty(t, p.Decisions)
		assert.Empty(t, p.Accept)
		require.Len(t, p.Additions, 1)
		assert.Contains(t, string(p.Spec), "        tenant_code:\n          type: string\n          description: 'A code: see #codes.'\n          deprecated: true\n          minLength: 2\n          maxLength: 8\n          pattern: ^[A-Z]+$\n      example:\n")
		again := syncUpstream(t, p.Spec, upstream, acceptedList(t))
		assert.True(t, again.Empty(), "%+v", again)
	})
}

// TestSyncUpstreamKeepsCommentsWithTheirKeys: a key inserted in sorted
// position goes above the comment lines that introduce the next key, not
// between them; blank lines and comments at the end of a block stay after
// what is appended to it.
func TestSyncUpstreamKeepsCommentsWithTheirKeys(t *testing.T) {
	t.Parallel()
	const (
		responses = "        '404':\n          $ref: '#/components/responses/NotFound'\n        '429':\n          $ref: '#/components/responses/TooManyRequests'\n        '500':\n          $ref: '#/components/responses/InternalServerError'\n  /v1/b2b/sso/external"
		props     = "        attribute_mapping:\n          $ref: '#/components/schemas/AttributeMapping'\n      example:\n        organization_id: organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931\n        connection_id: saml-connection-test-51861cbc"
		enumTail  = "        - salesforce\n        - shibboleth\n"
	)
	commented := withReplacements(t, api.YAML(),
		responses, strings.Replace(responses, "        '429':\n", "        # Rate limits: see Stytch's docs.\n        # Two lines.\n        '429':\n", 1),
		props, strings.Replace(props, "      example:\n", "\n        # More fields go here.\n\n      # The example.\n      example:\n", 1),
		enumTail, "        - salesforce\n        - shibboleth   # the last one\n        # end of the providers\n")
	up := upstreamWith(t, samlConnectionSchema, samlConnectionSchema+newProperty,
		samlResponse400, samlResponse400+"        '409':\n          description: Conflict\n",
		providerEnumTail, "      - salesforce\n      - shibboleth\n      - authentik\n    api_sso_v1_sso_saml_CreateConnectionRequest:\n")
	p := syncUpstream(t, commented, up, acceptedList(t))
	assert.Empty(t, p.Decisions)
	assert.Len(t, p.Additions, 3)
	got := string(p.Spec)
	assert.Contains(t, got, "        '404':\n          $ref: '#/components/responses/NotFound'\n        '409':\n          $ref: '#/components/responses/Conflict'\n        # Rate limits: see Stytch's docs.\n        # Two lines.\n        '429':\n")
	assert.Contains(t, got, "          $ref: '#/components/schemas/AttributeMapping'\n"+newPropertyOurs+"\n        # More fields go here.\n\n      # The example.\n      example:\n")
	assert.Contains(t, got, "        - shibboleth   # the last one\n        - authentik\n        # end of the providers\n")
	again := syncUpstream(t, p.Spec, up, append(acceptedList(t), p.Accept...))
	assert.True(t, again.Empty(), "%+v", again)
}

// withReplacements replaces each old string of the old, new pairs, which
// occurs once, in spec.
func withReplacements(t *testing.T, spec []byte, pairs ...string) []byte {
	t.Helper()
	s := string(spec)
	for i := 0; i < len(pairs); i += 2 {
		require.Equal(t, 1, strings.Count(s, pairs[i]), "%q occurs once", pairs[i])
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

// TestSyncUpstreamResponseHeaders: a header upstream adds to a response,
// or declares on a new one, is seen and left for a person (our responses
// declare none), never passed over.
func TestSyncUpstreamResponseHeaders(t *testing.T) {
	t.Parallel()
	retry := "          headers:\n            Retry-After:\n              schema:\n                type: integer\n"
	want := specdiff.Difference{Operation: samlOp, Where: "header Retry-After of response 409", Aspect: "presence", Ours: "absent", Upstream: "declared"}
	p := syncUpstream(t, api.YAML(), upstreamWith(t, samlResponse400, samlResponse400+"        '409':\n          description: Conflict\n"+retry), acceptedList(t))
	assert.Len(t, p.Additions, 1, "the response is added")
	var decided []specdiff.Difference
	for _, d := range p.Decisions {
		decided = append(decided, d.Difference)
	}
	assert.Equal(t, []specdiff.Difference{want}, decided)
}

// TestSyncUpstreamCompositionIsADecision: a new property whose schema
// upstream composes (allOf, oneOf, anyOf) is not copied half-way with the
// rest accepted: it is a decision that says why, the file untouched.
func TestSyncUpstreamCompositionIsADecision(t *testing.T) {
	t.Parallel()
	field := "        policy:\n          oneOf:\n          - type: string\n          - type: object\n            properties:\n              kind:\n                type: string\n"
	p := syncUpstream(t, api.YAML(), upstreamWith(t, samlConnectionSchema, samlConnectionSchema+field), acceptedList(t))
	assert.Empty(t, p.Additions)
	assert.Empty(t, p.Accept)
	sameText(t, api.YAML(), p.Spec, "the spec is untouched")
	require.Len(t, p.Decisions, 1)
	assert.Equal(t, "/connection/policy", p.Decisions[0].Pointer)
	assert.Contains(t, p.Decisions[0].Why, "oneOf")
}

// TestSyncUpstreamFailedAdditionLeavesNothing: a new property that cannot
// be copied (one member composed) adds none of the components its other
// members brought.
func TestSyncUpstreamFailedAdditionLeavesNothing(t *testing.T) {
	t.Parallel()
	field := "        policy:\n          type: object\n          properties:\n            a_rule:\n              $ref: '#/components/schemas/api_sso_v1_SSORule'\n            b_mode:\n              oneOf:\n              - type: string\n              - type: integer\n"
	rule := "    api_sso_v1_SSORule:\n      type: object\n      properties:\n        kind:\n          type: string\n"
	p := syncUpstream(t, api.YAML(), upstreamWith(t, samlConnectionSchema, samlConnectionSchema+field,
		"    api_sso_v1_SAMLConnectionImplicitRoleAssignment:\n", rule+"    api_sso_v1_SAMLConnectionImplicitRoleAssignment:\n"), acceptedList(t))
	assert.Empty(t, p.Additions)
	sameText(t, api.YAML(), p.Spec, "no orphan component")
	require.Len(t, p.Decisions, 1)
	assert.Contains(t, p.Decisions[0].Why, "oneOf")
}

// TestSyncUpstreamCRLF: a spec file with CRLF line ends gets its new lines
// with CRLF too, not a file of mixed line ends.
func TestSyncUpstreamCRLF(t *testing.T) {
	t.Parallel()
	crlf := []byte(strings.ReplaceAll(string(api.YAML()), "\n", "\r\n"))
	up := upstreamWith(t, samlConnectionSchema, samlConnectionSchema+newProperty)
	p := syncUpstream(t, crlf, up, acceptedList(t))
	require.Len(t, p.Additions, 1)
	assert.Equal(t, strings.Count(string(p.Spec), "\n"), strings.Count(string(p.Spec), "\r\n"), "every line ends with CRLF")
	assert.Contains(t, string(p.Spec), strings.ReplaceAll(newPropertyOurs, "\n", "\r\n"))
	assert.True(t, syncUpstream(t, p.Spec, up, acceptedList(t)).Empty())
}
