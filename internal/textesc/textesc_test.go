package textesc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain /path ok":      "plain /path ok",
		"a\tb\x00c\xffé":      `a\tb\x00c\xffé`,
		"line\nforged":        `line\nforged`,
		"\x1b[31mred":         `\x1b[31mred`,
		"bidi\u202eevil":      `bidi\u202eevil`,
		"déjà vu":             "déjà vu",
		"":                    "",
		"tab\tthen\u00a0nbsp": `tab\tthen\u00a0nbsp`,
	} {
		assert.Equal(t, want, Escape(in), "%q", in)
	}
	assert.Zero(t, testing.AllocsPerRun(10, func() { _ = Escape("printable ASCII is returned as is") }))
}
