// Command tls-client calls the local provider started with
// `ssocontract serve --tls` over https, trusting the self-signed certificate
// serve writes to STYTCH_CA_CERT. Without that, the first call fails with
// "x509: certificate signed by unknown authority".
//
//	ssocontract serve --project-id project-test-00000000-0000-0000-0000-000000000000 \
//		--tls --ready-file serve.env &   # STYTCH_SECRET in the environment
//	set -a; . ./serve.env; set +a
//	go run ./examples/tls-client
//
// It reads STYTCH_BASE_URL, STYTCH_CA_CERT, STYTCH_PROJECT_ID,
// STYTCH_SECRET, STYTCH_ORGANIZATION_ID and STYTCH_SAML_CONNECTION_ID, and
// renames the SAML connection.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/stytchsso/stytchsso/pkg/sso"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tls-client:", err)
		os.Exit(1)
	}
}

// run renames the SAML connection the environment names, over https.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	var missing []string
	for _, name := range []string{"STYTCH_BASE_URL", "STYTCH_CA_CERT", "STYTCH_PROJECT_ID", "STYTCH_SECRET",
		"STYTCH_ORGANIZATION_ID", "STYTCH_SAML_CONNECTION_ID"} {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("set %s (ssocontract serve --tls prints them all but STYTCH_SECRET)", strings.Join(missing, ", "))
	}
	httpClient, err := trusting(getenv("STYTCH_CA_CERT"))
	if err != nil {
		return err
	}
	client, err := sso.New(getenv("STYTCH_PROJECT_ID"), getenv("STYTCH_SECRET"),
		sso.WithBaseURL(getenv("STYTCH_BASE_URL")),
		sso.WithHTTPClient(httpClient),
	)
	if err != nil {
		return err
	}
	conn, err := client.UpdateSAMLConnection(ctx, getenv("STYTCH_ORGANIZATION_ID"), getenv("STYTCH_SAML_CONNECTION_ID"),
		&sso.SAMLConnectionUpdate{DisplayName: sso.Ptr("Renamed over https")})
	if err != nil {
		var apiErr *sso.APIError
		if errors.As(err, &apiErr) {
			return fmt.Errorf("update refused: %d %s (request %s)", apiErr.StatusCode, apiErr.ErrorType, apiErr.RequestID)
		}
		return err
	}
	fmt.Fprintf(stdout, "%s is now %q (status %s)\n", conn.ConnectionID, conn.DisplayName, conn.Status)
	return nil
}

// trusting returns an HTTP client that trusts the certificates in the PEM
// file at caFile (and only those: the local provider is not on the
// internet), with a timeout per request.
func trusting(caFile string) (*http.Client, error) {
	pemData, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("STYTCH_CA_CERT: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("STYTCH_CA_CERT: no PEM certificate in %s", caFile)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: transport, Timeout: 10 * time.Second}, nil
}
