package aec

import (
	"errors"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{Rate: 8000, EchoCancel: true, NoiseSuppress: 15}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want error
	}{
		{"ok", func(*Config) {}, nil},
		{"16k", func(c *Config) { c.Rate = 16000 }, nil},
		{"rate", func(c *Config) { c.Rate = 44100 }, ErrRate},
		{"engine", func(c *Config) { c.Engine = "magic" }, ErrEngine},
		{"tail short", func(c *Config) { c.Tail = 20 * time.Millisecond }, ErrTail},
		{"tail long", func(c *Config) { c.Tail = time.Second }, ErrTail},
		{"delay", func(c *Config) { c.MaxDelay = time.Second }, ErrMaxDelay},
		{"delay negative", func(c *Config) { c.MaxDelay = -time.Millisecond }, ErrMaxDelay},
		{"ns low", func(c *Config) { c.NoiseSuppress = 3 }, ErrNoiseSuppress},
		{"ns high", func(c *Config) { c.NoiseSuppress = 40 }, ErrNoiseSuppress},
		{"ns off", func(c *Config) { c.NoiseSuppress = 0 }, nil},
	} {
		c := ok
		tc.edit(&c)
		if err := c.Validate(); !errors.Is(err, tc.want) {
			t.Errorf("%s: Validate() = %v, want %v", tc.name, err, tc.want)
		}
		p, err := New(c)
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: New() = %v, want %v", tc.name, err, tc.want)
		}
		if err == nil {
			_ = p.Close()
		}
	}
}

func TestCloseIdempotent(t *testing.T) {
	p := mustNew(t, Config{Rate: 16000, EchoCancel: true, NoiseSuppress: 15})
	for range 2 {
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]int16, 320)
	p.Playback(buf) // no effect once closed, and no crash
	p.Capture(buf)
	p.Reset()
}
