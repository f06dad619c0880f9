package intercom

import (
	"time"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/config/schedule"
)

// profiles are the compiled time profiles of the config.
type profiles struct {
	byName map[string]*schedule.Profile
	loc    *time.Location
	valid  func() (bool, string) // whether the clock can be trusted
}

// newProfiles compiles cfg's profiles; the config's checks passed, so an
// error here leaves that profile out (its buttons call their own targets).
func newProfiles(cfg *config.Config, valid func() (bool, string)) profiles {
	ps := profiles{byName: map[string]*schedule.Profile{}, loc: time.Local, valid: valid}
	if loc, err := cfg.Location(); err == nil {
		ps.loc = loc
	}
	for _, p := range cfg.Profiles {
		if sch, err := cfg.CompileProfile(p); err == nil {
			ps.byName[p.Name] = sch
		}
	}
	if cfg.Device.TrustClock || ps.valid == nil {
		ps.valid = func() (bool, string) { return true, "" }
	}
	return ps
}

// profileTarget is the target b's time profile picks now ("dnd" for
// do-not-disturb); false when b has no profile, no rule covers now, or the
// clock cannot be trusted (logged: the button's own target applies).
func (i *Intercom) profileTarget(b config.Button) (string, bool) {
	if b.Profile == "" {
		return "", false
	}
	sch, ok := i.profiles.byName[b.Profile]
	if !ok {
		return "", false
	}
	if ok, why := i.profiles.valid(); !ok {
		i.log.Warn("time profile not applied: the button's own target is called", "button", b.Name,
			"profile", b.Profile, "why", why)
		return "", false
	}
	now := i.clock.Now()
	target, rule, ok := sch.At(now, i.profiles.loc)
	if !ok {
		i.log.Info("time profile: no rule now, the button's own target is called", "button", b.Name,
			"profile", b.Profile, "local_time", now.In(i.profiles.loc).Format("Mon 15:04 MST"))
		return "", false
	}
	i.log.Info("time profile", "button", b.Name, "profile", b.Profile, "rule", rule, "target", target,
		"local_time", now.In(i.profiles.loc).Format("Mon 15:04 MST"))
	return target, true
}
