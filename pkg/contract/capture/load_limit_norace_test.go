//go:build !race

// The race detector makes reading MaxFileBytes bytes take many seconds, so
// this check runs in plain `go test` only.

package capture_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// spaces is an endless reader of blanks (valid JSON and YAML whitespace).
type spaces struct{ block []byte }

func (s spaces) Read(p []byte) (int, error) {
	return copy(p, s.block), nil
}

func TestReaderSizeLimits(t *testing.T) {
	t.Parallel()
	for name, load := range map[string]func(io.Reader, string) ([]contract.Pair, error){
		"big.har":  capture.LoadHAR,
		"big.yaml": capture.LoadCassette,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := load(spaces{bytes.Repeat([]byte{' '}, 1<<20)}, name)
			require.Error(t, err)
			assert.Contains(t, err.Error(), name)
			assert.Contains(t, err.Error(), "limit")
		})
	}
}
