package jsonptr

import "testing"

func TestEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":            "",
		"plain":       "plain",
		"a/b":         "a~1b",
		"m~n":         "m~0n",
		"~1":          "~01",
		"/~":          "~1~0",
		"email/phone": "email~1phone",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q; want %q", in, got, want)
		}
	}
}
