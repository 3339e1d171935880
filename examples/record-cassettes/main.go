// Command record-cassettes records your own redacted cassettes of the two
// SSO updates against Stytch's test environment, for your tests to replay
// offline (package recording). Each update has an empty body, which changes
// nothing and answers the connection as it stands, so recording is safe on
// a real project.
//
//	export STYTCH_PROJECT_ID=project-test-... STYTCH_SECRET=secret-test-...
//	export STYTCH_ORGANIZATION_ID=organization-test-...
//	export STYTCH_SAML_CONNECTION_ID=saml-connection-test-...
//	export STYTCH_EXTERNAL_CONNECTION_ID=external-connection-test-...
//	go run ./examples/record-cassettes -dir testdata/cassettes
//
// STYTCH_BASE_URL (and STYTCH_CA_CERT, for `ssocontract serve --tls`)
// point it elsewhere, such as at the local provider. Without the variables
// it records nothing and exits 2, naming them. The project secret, the
// Authorization header and any registered secret never reach the files.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stytchsso/stytchsso/pkg/recording"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// requiredVars are what recording needs; the message without them names
// every one that is missing.
var requiredVars = []string{"STYTCH_PROJECT_ID", "STYTCH_SECRET", "STYTCH_ORGANIZATION_ID",
	"STYTCH_SAML_CONNECTION_ID", "STYTCH_EXTERNAL_CONNECTION_ID"}

// errMissing is returned, wrapped with the names, when a variable is unset.
var errMissing = errors.New("nothing recorded")

func main() {
	dir := flag.String("dir", "cassettes", "directory the cassettes are written to (saml/ and external/ under it)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Getenv, *dir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "record-cassettes:", err)
		if errors.Is(err, errMissing) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// missingVars names the required variables getenv does not have, or
// returns "" when it has them all.
func missingVars(getenv func(string) string) string {
	var missing []string
	for _, name := range requiredVars {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	return strings.Join(missing, ", ")
}

// run records one cassette per update into dir and prints their paths.
func run(ctx context.Context, getenv func(string) string, dir string, stdout io.Writer) error {
	if missing := missingVars(getenv); missing != "" {
		return fmt.Errorf("%w: set %s (a project-test- project of Stytch's test environment; never a live one)", errMissing, missing)
	}
	if strings.HasPrefix(getenv("STYTCH_PROJECT_ID"), "project-live-") {
		return errors.New("STYTCH_PROJECT_ID is a live project: record from a project-test- project")
	}
	network, err := realTransport(getenv("STYTCH_CA_CERT"))
	if err != nil {
		return err
	}
	secret := getenv("STYTCH_SECRET")
	org := getenv("STYTCH_ORGANIZATION_ID")
	calls := []struct {
		file   string
		update func(*sso.Client) error
	}{
		{filepath.Join(dir, "saml", "snapshot"), func(c *sso.Client) error {
			_, err := c.UpdateSAMLConnection(ctx, org, getenv("STYTCH_SAML_CONNECTION_ID"), nil)
			return err
		}},
		{filepath.Join(dir, "external", "snapshot"), func(c *sso.Client) error {
			_, err := c.UpdateExternalConnection(ctx, org, getenv("STYTCH_EXTERNAL_CONNECTION_ID"), nil)
			return err
		}},
	}
	for _, call := range calls {
		if err := os.MkdirAll(filepath.Dir(call.file), 0o755); err != nil {
			return err
		}
		rec, err := recording.New(call.file,
			recording.WithMode(recording.ModeRecord),
			recording.WithRealTransport(network),
			recording.WithSecrets(secret), // add session tokens and private keys you send
		)
		if err != nil {
			return err
		}
		opts := []sso.Option{sso.WithHTTPClient(&http.Client{Transport: rec}), sso.WithoutRetries()}
		if base := getenv("STYTCH_BASE_URL"); base != "" {
			opts = append(opts, sso.WithBaseURL(base))
		}
		client, err := sso.New(getenv("STYTCH_PROJECT_ID"), secret, opts...)
		if err != nil {
			return err
		}
		callErr := call.update(client)
		if err := rec.Stop(); err != nil {
			return fmt.Errorf("save %s: %w", rec.File(), err)
		}
		if callErr != nil {
			return fmt.Errorf("recorded %s, but the call failed: %w", rec.File(), callErr)
		}
		fmt.Fprintln(stdout, "recorded", rec.File())
	}
	return nil
}

// realTransport is the network under the recorder: the default one, or one
// trusting only the certificate in caFile (the local provider's, with
// `ssocontract serve --tls`).
func realTransport(caFile string) (http.RoundTripper, error) {
	if caFile == "" {
		return http.DefaultTransport, nil
	}
	pemData, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("STYTCH_CA_CERT: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("STYTCH_CA_CERT: no PEM certificate in %s", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return tr, nil
}
