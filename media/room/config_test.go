package room

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidateAccepts(t *testing.T) {
	for _, c := range []Config{
		{Rate: 8000},
		{Rate: 16000, Delay: 500 * time.Millisecond, T60: time.Second, EchoGainDB: 20, Clip: 20, DriftPPM: -1000},
		{Rate: 44100, T60: 100 * time.Millisecond, EchoGainDB: -40, DriftPPM: 1000, ChangeAt: time.Hour, ChangeGainDB: -40},
		{Rate: 48000, Noise: "babble", SNR: 80, TalkerGainDB: 40, Talker: []int16{1}},
		{Rate: 48000, NoiseSamples: []int16{1, 2}, SNR: -20, TalkerGainDB: -60},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

// TestValidateRejects: each bad value is refused with ErrConfig and a
// message naming its key and the allowed range.
func TestValidateRejects(t *testing.T) {
	ok := Config{Rate: 16000}
	for _, c := range []struct {
		key, want string
		set       func(*Config)
	}{
		{"rate", "8000, 16000, 44100 or 48000", func(c *Config) { c.Rate = 22050 }},
		{"rate", "8000", func(c *Config) { c.Rate = 0 }},
		{"delay", "0 to 500ms", func(c *Config) { c.Delay = -time.Millisecond }},
		{"delay", "0 to 500ms", func(c *Config) { c.Delay = 501 * time.Millisecond }},
		{"t60", "100ms to 1s", func(c *Config) { c.T60 = 50 * time.Millisecond }},
		{"t60", "100ms to 1s", func(c *Config) { c.T60 = 2 * time.Second }},
		{"t60", "100ms to 1s", func(c *Config) { c.T60 = -time.Second }},
		{"echo_gain_db", "-40 to 20", func(c *Config) { c.EchoGainDB = 21 }},
		{"echo_gain_db", "-40 to 20", func(c *Config) { c.EchoGainDB = math.NaN() }},
		{"clip", "0 to 20", func(c *Config) { c.Clip = -1 }},
		{"clip", "0 to 20", func(c *Config) { c.Clip = 25 }},
		{"drift_ppm", "-1000 to 1000", func(c *Config) { c.DriftPPM = 1001 }},
		{"drift_ppm", "-1000 to 1000", func(c *Config) { c.DriftPPM = math.Inf(-1) }},
		{"change_at", "0 (never) or a positive", func(c *Config) { c.ChangeAt = -time.Second }},
		{"change_gain_db", "-40 to 20", func(c *Config) { c.ChangeGainDB = -41 }},
		{"talker_gain_db", "-60 to 40", func(c *Config) { c.TalkerGainDB = 41 }},
		{"noise", "white, pink, babble or traffic", func(c *Config) { c.Noise = "brown" }},
		{"noise", "one or the other", func(c *Config) { c.Noise, c.NoiseSamples = "white", []int16{1} }},
		{"snr_db", "-20 to 80", func(c *Config) { c.SNR = 81 }},
		{"snr_db", "-20 to 80", func(c *Config) { c.SNR = math.NaN() }},
	} {
		cfg := ok
		c.set(&cfg)
		err := cfg.Validate()
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.key+" ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate = %v; want ErrConfig naming %q and %q", c.key, err, c.key, c.want)
		}
		if _, err := New(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New = %v, want ErrConfig", c.key, err)
		}
	}
}
