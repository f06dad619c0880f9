package schedule

import (
	"errors"
	"testing"
	"time"
)

// FuzzCompile compiles two arbitrary rules: Compile returns a profile or
// *Error values, never panics; At names only rules that exist, with their
// targets, and Next finds a real change.
func FuzzCompile(f *testing.F) {
	for _, s := range [][8]string{
		{"mon-fri", "08:00", "17:00", "office", "daily", "22:00", "07:00", "dnd"},
		{"sat,sun", "00:00", "24:00", "a", "mon,wed-fri", "23:59", "00:00", "b"},
		{"fri-mon", "22:00", "07:00", "a", "tue", "06:00", "08:00", "b"},
		{"mon", "22:00", "07:00", "a", "tue", "06:00", "08:00", "b"},
		{"ALL", " 00:00 ", "24:00", "a", "", "", "", ""},
		{"mox", "25:00", "24:01", "", "mon,,fri", "8:00", "08:00", " "},
		{"tue-tue", "10:00", "10:00", "x", "mon,daily", "-1:00", "0a:00", "y"},
		{"sun", "02:00", "03:00", "n", "sat", "23:00", "01:00", "m"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
	}
	base := time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f.Fuzz(func(t *testing.T, d1, f1, t1, g1, d2, f2, t2, g2 string) {
		rules := []Rule{{d1, f1, t1, g1}, {d2, f2, t2, g2}}
		p, err := Compile("fuzz", rules)
		if err != nil {
			var e *Error
			if p != nil || !errors.As(err, &e) || e.Profile != "fuzz" {
				t.Fatalf("error %v with profile %v", err, p != nil)
			}
			return
		}
		for _, loc := range []*time.Location{time.UTC, berlin} {
			if loc == nil {
				continue
			}
			for m := 0; m < 8*minutesPerDay; m += 97 {
				at := base.Add(time.Duration(m) * time.Minute)
				target, rule, ok := p.At(at, loc)
				if ok != (rule != 0) || rule < 0 || rule > len(rules) {
					t.Fatalf("At(%s) = %q, rule %d, %v", at, target, rule, ok)
				}
				if ok && target != rules[rule-1].Target {
					t.Fatalf("At(%s) = %q, rule %d's target is %q", at, target, rule, rules[rule-1].Target)
				}
			}
			at := base.Add(1234567 * time.Millisecond)
			next := p.Next(at, loc)
			if next.IsZero() {
				continue
			}
			_, before, _ := p.At(next.Add(-time.Nanosecond), loc)
			_, after, _ := p.At(next, loc)
			_, now, _ := p.At(at, loc)
			if !next.After(at) || before == after || before != now {
				t.Fatalf("Next(%s) = %s: rule %d before, %d at, %d now", at, next, before, after, now)
			}
		}
	})
}
