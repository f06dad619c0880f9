package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// checkPin accepts the BCM names of the Raspberry Pi header's GPIO lines,
// "GPIO0" to "GPIO27".
func checkPin(s string) error {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "GPIO"))
	if !strings.HasPrefix(s, "GPIO") || err != nil || n < 0 || n > 27 || strconv.Itoa(n) != s[4:] {
		return fmt.Errorf("%q is not a GPIO line name (\"GPIO0\" to \"GPIO27\", BCM numbering)", s)
	}
	return nil
}

// checkGPIO checks buttons, LEDs and the relay, and that no pin is used twice.
func checkGPIO(c *checker, cfg *Config) {
	pins := map[string]string{} // pin -> key that took it
	usePin := func(key, pin string) {
		if err := checkPin(pin); err != nil {
			c.bad(key, "%v", err)
			return
		}
		if prev, ok := pins[pin]; ok {
			c.bad(key, "%s is already used by %s", pin, prev)
			return
		}
		pins[pin] = key
	}
	names := map[string]bool{}
	for i, b := range cfg.Buttons {
		k := fmt.Sprintf("buttons[%d]", i)
		checkName(c, k+".name", b.Name, names)
		usePin(k+".pin", b.Pin)
		c.oneOf(k+".action", b.Action, ActionCall, ActionAnswer, ActionHangup, ActionToggle, ActionOpen)
		if b.Target != "" {
			if GroupName(b.Target) != "" {
				c.err(k+".target", cfg.CheckTarget(b.Target))
			} else {
				c.err(k+".target", checkTarget(b.Target))
			}
		}
		if b.Profile != "" {
			if _, ok := cfg.Profile(b.Profile); !ok {
				c.bad(k+".profile", "%q names no profile (define it with [[profiles]] name = %q)", b.Profile, b.Profile)
			}
		}
		c.duration(k+".debounce", b.Debounce, 0, time.Second)
		c.duration(k+".long_press", b.LongPress, 100*time.Millisecond, 30*time.Second)
	}
	names = map[string]bool{}
	for i, l := range cfg.LEDs {
		k := fmt.Sprintf("leds[%d]", i)
		checkName(c, k+".name", l.Name, names)
		usePin(k+".pin", l.Pin)
		c.oneOf(k+".show", l.Show, ShowStatus, ShowCall, ShowDoor)
	}
	if cfg.Door.RelayPin != "" {
		usePin("door.relay_pin", cfg.Door.RelayPin)
	}
}

func checkName(c *checker, key, name string, seen map[string]bool) {
	switch {
	case name == "" || strings.ContainsAny(name, " \t\n"):
		c.bad(key, "%q must be a non-empty word (it is used as `skoip ctl press NAME`)", name)
	case seen[name]:
		c.bad(key, "%q is used twice", name)
	}
	seen[name] = true
}
