package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/skoip/skoip/config/schedule"
)

// TargetDND in a profile's rule means do-not-disturb: the press calls
// calls.dnd_target, or nobody (the visitor hears sounds.do_not_disturb).
const TargetDND = "dnd"

// Profile is a named weekly schedule that picks who a call button calls.
//
//	[[profiles]]
//	name = "family"
//	rules = [
//	  "mon-fri 08:00-17:00 group:office",
//	  "daily 22:00-07:00 dnd",
//	]
//
// Each rule is "DAYS FROM-TO TARGET": DAYS as "mon-fri", "sat,sun",
// "daily"; FROM and TO as HH:MM in device.timezone (TO before FROM crosses
// midnight, "24:00" ends the day); TARGET any call target, a
// "group:NAME", or "dnd". Rules may not overlap. A button with profile =
// "family" calls the target of the rule that covers the moment of the
// press, and its own target (or peer.address) outside every rule, or while
// the clock is not synchronised (device.trust_clock).
type Profile struct {
	Name  string   `toml:"name"`
	Rules []string `toml:"rules"`
}

// Profile returns the profile called name.
func (cfg *Config) Profile(name string) (Profile, bool) {
	for _, p := range cfg.Profiles {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// ParseRule splits a profile rule "DAYS FROM-TO TARGET".
func ParseRule(s string) (schedule.Rule, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return schedule.Rule{}, fmt.Errorf("%q is not \"DAYS FROM-TO TARGET\" (e.g. \"mon-fri 08:00-17:00 group:office\")", s)
	}
	from, to, ok := strings.Cut(f[1], "-")
	if !ok {
		return schedule.Rule{}, fmt.Errorf("%q: %q is not FROM-TO (e.g. \"22:00-07:00\")", s, f[1])
	}
	return schedule.Rule{Days: f[0], From: from, To: to, Target: f[2]}, nil
}

// CompileProfile checks profile p and returns its schedule.
func (cfg *Config) CompileProfile(p Profile) (*schedule.Profile, error) {
	rules := make([]schedule.Rule, 0, len(p.Rules))
	var errs []error
	for i, s := range p.Rules {
		r, err := ParseRule(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("rule %d: %w", i+1, err))
			continue
		}
		if r.Target != TargetDND {
			if err := cfg.CheckTarget(r.Target); err != nil {
				errs = append(errs, fmt.Errorf("rule %d: %w", i+1, err))
			}
		}
		rules = append(rules, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return schedule.Compile(p.Name, rules)
}

// Location is device.timezone's zone.
func (cfg *Config) Location() (*time.Location, error) {
	return schedule.LoadLocation(cfg.Device.Timezone)
}

// checkProfiles checks [[profiles]] and device.timezone.
func checkProfiles(c *checker, cfg *Config) {
	if _, err := cfg.Location(); err != nil {
		c.bad("device.timezone", "%v", err)
	}
	seen := map[string]bool{}
	for i, p := range cfg.Profiles {
		k := fmt.Sprintf("profiles[%d]", i)
		switch {
		case !validGroupName(p.Name):
			c.bad(k+".name", "%q must be 1 to 32 letters, digits, '-' or '_'", p.Name)
		case seen[p.Name]:
			c.bad(k+".name", "%q is used twice", p.Name)
		}
		seen[p.Name] = true
		if _, err := cfg.CompileProfile(p); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				c.bad(k+".rules", "%s", line)
			}
		}
	}
}

// Voicemail records a message from the visitor when nobody answers.
type Voicemail struct {
	Enabled bool `toml:"enabled"`
	// Dir holds the messages; "": "messages" in the state folder.
	Dir string `toml:"dir"`
	// MaxLength is the longest message.
	MaxLength Duration `toml:"max_length"`
	// Silence ends a message early once the visitor stopped talking.
	Silence Duration `toml:"silence"`
	// MaxMessages and MaxSizeMB bound the folder: the oldest messages are
	// deleted first.
	MaxMessages int `toml:"max_messages"`
	MaxSizeMB   int `toml:"max_size_mb"`
}

func checkVoicemail(c *checker, v *Voicemail) {
	c.err("voicemail.dir", CheckStateDir(v.Dir))
	c.duration("voicemail.max_length", v.MaxLength, 5*time.Second, 10*time.Minute)
	c.duration("voicemail.silence", v.Silence, 0, 10*time.Minute)
	c.number("voicemail.max_messages", float64(v.MaxMessages), 1, 10000)
	c.number("voicemail.max_size_mb", float64(v.MaxSizeMB), 1, 100000)
}
