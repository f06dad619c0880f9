package config

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary files to the loader: it must return a config or
// an *Error, never panic.
func FuzzParse(f *testing.F) {
	f.Add(Example())
	f.Add([]byte("[sip]\nlisten = \"0.0.0.0:99999\"\n[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\n"))
	f.Add([]byte("[[buttons]]\n[[buttons]]\n[media]\nrtp_ports = \"1-\"\n"))
	f.Add([]byte("a.b.c = 1\n[x]\n\"quoted key\" = 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.toml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error is not a *Error with problems: %v", err)
			}
			return
		}
		if cfg == nil {
			t.Fatal("nil config without error")
		}
	})
}
