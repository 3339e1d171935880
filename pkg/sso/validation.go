package sso

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// WithValidation puts the contract-validating transport of package contract
// just above the network, inside the retry layer, so that every attempt's
// request and response are checked against the spec.
//
// In enforce mode (contract.WithMode(contract.Enforce), the default) a pair
// that breaks the contract fails the call with a *contract.ContractError; in
// report mode the call is untouched and violations go to the report callback
// or logger given in opts. Build v once and share it: it is safe for
// concurrent use.
func WithValidation(v *contract.Validator, opts ...contract.TransportOption) Option {
	if v == nil {
		return func(*config) error { return errors.New("sso: WithValidation: nil validator") }
	}
	return func(c *config) error {
		// Options are checked here, so a bad one fails New rather than
		// every call.
		if err := contract.NewTransport(v, opts...).Err(); err != nil {
			return fmt.Errorf("sso: WithValidation: %w", err)
		}
		return WithTransportMiddleware(func(base http.RoundTripper) http.RoundTripper {
			all := append([]contract.TransportOption{contract.WithBase(base)}, opts...)
			return contract.NewTransport(v, all...)
		})(c)
	}
}
