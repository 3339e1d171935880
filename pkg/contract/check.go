package contract

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Mode says what a [Checker] does with a pair that breaks the contract.
type Mode int

const (
	// Enforce (the zero value) makes Check return a *ViolationError.
	Enforce Mode = iota
	// Monitor leaves the call untouched and only reports the violations
	// (to [CheckConfig.OnViolation] and the Logger).
	Monitor
)

// CheckConfig says how a [Checker] samples, reports and enforces. Its zero
// value checks every pair and enforces the contract.
type CheckConfig struct {
	// Mode is Enforce (the zero value) or Monitor.
	Mode Mode
	// SampleRate is the fraction of pairs checked, chosen at random, in
	// (0, 1]; 0 means 1, every pair. There is no rate that checks nothing:
	// to check nothing, do not install a Checker.
	SampleRate float64
	// OnViolation, if set, receives every violating pair in both modes, on
	// the caller's goroutine; p must not be kept after it returns unless
	// copied.
	OnViolation func(ctx context.Context, p *Pair, violations []Violation)
	// Logger, if set, gets one warning per violation (operation, side,
	// kind, location, message; never a value).
	Logger *slog.Logger
}

// Checker applies a [Validator] to live traffic: it samples, reports, logs
// and, in Enforce mode, turns violations into a *[ViolationError]. A client
// calls it once per call ([Checker.Check]); [Transport] calls it once per
// round trip. Build one with [NewChecker]; it is safe for concurrent use.
type Checker struct {
	v   *Validator
	cfg CheckConfig

	mu  sync.Mutex
	rnd *rand.Rand
}

// NewChecker returns a Checker of v configured by cfg, or an error naming
// what is wrong (no validator, an unknown mode, a rate outside (0, 1]).
func NewChecker(v *Validator, cfg CheckConfig) (*Checker, error) {
	if v == nil {
		return nil, errors.New("contract: NewChecker: nil Validator")
	}
	if cfg.Mode != Enforce && cfg.Mode != Monitor {
		return nil, fmt.Errorf("contract: NewChecker: unknown mode %d", cfg.Mode)
	}
	if cfg.SampleRate == 0 {
		cfg.SampleRate = 1
	}
	if !(cfg.SampleRate > 0 && cfg.SampleRate <= 1) {
		return nil, fmt.Errorf("contract: NewChecker: sample rate %v is not in (0, 1]", cfg.SampleRate)
	}
	c := &Checker{v: v, cfg: cfg}
	if cfg.SampleRate < 1 {
		c.rnd = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))
	}
	return c, nil
}

// Mode returns the checker's mode.
func (c *Checker) Mode() Mode { return c.cfg.Mode }

// Sampled reports whether the next pair is to be checked, so that a caller
// can skip building a Pair for one that is not.
func (c *Checker) Sampled() bool {
	if c.rnd == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rnd.Float64() < c.cfg.SampleRate
}

// Check validates p, logs and reports its violations, and returns a
// *[ViolationError] holding them in Enforce mode (nil in Monitor mode or
// when p conforms). It does not sample: call [Checker.Sampled] first.
func (c *Checker) Check(ctx context.Context, p *Pair) error {
	return c.conclude(ctx, p, c.v.Validate(ctx, p))
}

// conclude logs and reports vs, the violations of p, and returns the error
// the mode asks for.
func (c *Checker) conclude(ctx context.Context, p *Pair, vs []Violation) error {
	if len(vs) == 0 {
		return nil
	}
	if l := c.cfg.Logger; l != nil {
		for _, v := range vs {
			l.LogAttrs(ctx, slog.LevelWarn, "contract violation",
				slog.String("operation", v.Operation), slog.String("side", string(v.Side)),
				slog.String("kind", string(v.Kind)), slog.String("location", v.Location),
				slog.String("message", v.Message), slog.Int("status", p.StatusCode))
		}
	}
	if c.cfg.OnViolation != nil {
		c.cfg.OnViolation(ctx, p, vs)
	}
	if c.cfg.Mode == Monitor {
		return nil
	}
	return &ViolationError{Violations: vs, StatusCode: p.StatusCode, Header: p.ResponseHeader, Body: p.ResponseBody}
}
