package main

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// TestServeConcurrentUpdatesOfOneConnection has writers update one SAML
// connection at once through serve: some each own a field, several share
// display_name. No update is lost (each owned field ends with its writer's
// last value, which a read-modify-write racing another would overwrite
// with an older copy), and the shared field ends with one writer's last
// value.
func TestServeConcurrentUpdatesOfOneConnection(t *testing.T) {
	t.Parallel()
	vars, _, stop := startServe(t, "--project-id", serveProject, "--secret", serveSecret)
	defer stop()
	c, err := sso.New(serveProject, serveSecret, sso.WithBaseURL(vars["STYTCH_BASE_URL"]))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	org, conn := vars["STYTCH_ORGANIZATION_ID"], vars["STYTCH_SAML_CONNECTION_ID"]
	ctx := testutil.HangGuard(t, "concurrent updates of one connection")

	const rounds = 25
	value := func(writer string, round int) string {
		return fmt.Sprintf("https://idp.example/%s/%d", writer, round)
	}
	owned := map[string]func(v string) *sso.SAMLConnectionUpdate{
		"idp_entity_id":            func(v string) *sso.SAMLConnectionUpdate { return &sso.SAMLConnectionUpdate{IDPEntityID: &v} },
		"idp_sso_url":              func(v string) *sso.SAMLConnectionUpdate { return &sso.SAMLConnectionUpdate{IDPSSOURL: &v} },
		"alternative_audience_uri": func(v string) *sso.SAMLConnectionUpdate { return &sso.SAMLConnectionUpdate{AlternativeAudienceURI: &v} },
	}
	sharers := []string{"display-a", "display-b", "display-c", "display-d"}
	var wg sync.WaitGroup
	write := func(writer string, params func(v string) *sso.SAMLConnectionUpdate) {
		wg.Go(func() {
			for round := range rounds {
				if _, err := c.UpdateSAMLConnection(ctx, org, conn, params(value(writer, round))); err != nil {
					t.Errorf("%s round %d: %v", writer, round, err)
					return
				}
			}
		})
	}
	for field, params := range owned {
		write(field, params)
	}
	for _, s := range sharers {
		write(s, func(v string) *sso.SAMLConnectionUpdate { return &sso.SAMLConnectionUpdate{DisplayName: &v} })
	}
	wg.Wait()
	require.NoError(t, ctx.Err(), "the hang guard fired")

	final, err := c.UpdateSAMLConnection(ctx, org, conn, nil) // changes nothing, returns what is stored
	require.NoError(t, err)
	assert.Equal(t, value("idp_entity_id", rounds-1), final.IDPEntityID, "an update of idp_entity_id was lost")
	assert.Equal(t, value("idp_sso_url", rounds-1), final.IDPSSOURL, "an update of idp_sso_url was lost")
	assert.Equal(t, value("alternative_audience_uri", rounds-1), final.AlternativeAudienceURI, "an update of alternative_audience_uri was lost")
	var lasts []string
	for _, s := range sharers {
		lasts = append(lasts, value(s, rounds-1))
	}
	assert.Contains(t, lasts, final.DisplayName, "display_name is one writer's last write")
}
