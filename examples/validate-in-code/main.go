// Command validate-in-code checks the client's calls against the spec in
// code, with package ssocheck, in both modes:
//
//   - monitor mode: the call goes on; each violation is handed to a function
//     (or logged), so production traffic can be watched without risk;
//   - enforce mode: a response that breaks the contract fails the call with a
//     *contract.ViolationError, for tests and staging.
//
// It needs no credentials: it runs the local provider in process and, to
// have something to report, a copy of it whose answers carry a field the
// spec does not declare, as Stytch's would the day it adds one.
//
//	go run ./examples/validate-in-code
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/sso"
	"github.com/stytchsso/stytchsso/pkg/ssocheck"
)

const (
	projectID = "project-test-00000000-0000-0000-0000-000000000000"
	secret    = "secret-test-validate-in-code-example"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "validate-in-code:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stdout io.Writer) error {
	p, err := provider.New(provider.Config{ProjectID: projectID, Secret: secret})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(withUndeclaredField(p))
	defer srv.Close()
	seed := p.Seeded()

	// One validator per process: it holds the parsed spec. Strict mode
	// also flags what the spec does not declare.
	v, err := contract.New(contract.WithStrict(true))
	if err != nil {
		return err
	}

	// Monitor mode: the call succeeds; violations go to OnViolation (or Logger).
	reporter, err := contract.NewChecker(v, contract.CheckConfig{
		Mode: contract.Monitor,
		OnViolation: func(_ context.Context, _ *contract.Pair, vs []contract.Violation) {
			for _, x := range vs {
				fmt.Fprintf(stdout, "monitor mode: violation: %s %s %s at %s\n", x.Operation, x.Side, x.Kind, x.Location)
			}
		},
	})
	if err != nil {
		return err
	}
	client, err := sso.New(projectID, secret, sso.WithBaseURL(srv.URL), ssocheck.WithValidation(reporter))
	if err != nil {
		return err
	}
	conn, err := client.UpdateSAMLConnection(ctx, seed.OrganizationID, seed.SAMLConnectionID,
		&sso.SAMLConnectionUpdate{DisplayName: sso.Ptr("Acme Okta")})
	if err != nil {
		return fmt.Errorf("monitor mode: the call failed: %w", err)
	}
	fmt.Fprintf(stdout, "monitor mode: the call succeeded: %q\n", conn.DisplayName)

	// Enforce mode (the zero value of Mode): the same answer fails the call.
	enforcer, err := contract.NewChecker(v, contract.CheckConfig{Mode: contract.Enforce})
	if err != nil {
		return err
	}
	client, err = sso.New(projectID, secret, sso.WithBaseURL(srv.URL), ssocheck.WithValidation(enforcer))
	if err != nil {
		return err
	}
	_, err = client.UpdateSAMLConnection(ctx, seed.OrganizationID, seed.SAMLConnectionID,
		&sso.SAMLConnectionUpdate{DisplayName: sso.Ptr("Acme Entra")})
	var ce *contract.ViolationError
	if !errors.As(err, &ce) {
		return fmt.Errorf("enforce mode: want a *contract.ViolationError, got %v", err)
	}
	fmt.Fprintf(stdout, "enforce mode: the call failed with %d violation(s), status %d\n", len(ce.Violations), ce.StatusCode)
	return nil
}

// withUndeclaredField serves h with `"new_field":true` added to every JSON
// object answer: a provider that has moved on from the spec.
func withUndeclaredField(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if i := bytes.LastIndexByte(body, '}'); i > 0 {
			body = append(body[:i:i], []byte(`,"new_field":true}`)...)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}
