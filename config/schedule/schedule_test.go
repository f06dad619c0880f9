package schedule

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func mustCompile(t *testing.T, rules ...Rule) *Profile {
	t.Helper()
	p, err := Compile("test", rules)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

// zone loads a zone of the system's zoneinfo database, and skips the test
// only when the database is missing.
func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		if _, statErr := os.Stat("/usr/share/zoneinfo"); statErr != nil {
			t.Skipf("no zoneinfo database (/usr/share/zoneinfo: %v): cannot test %s", statErr, name)
		}
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// utc is an instant given in UTC.
func utc(y int, mo time.Month, d, h, m int) time.Time {
	return time.Date(y, mo, d, h, m, 0, 0, time.UTC)
}

// 2026-12-07 is a Monday.
func week(day time.Weekday, h, m int) time.Time {
	return time.Date(2026, 12, 6+int(day), h, m, 0, 0, time.UTC)
}

func TestParseDays(t *testing.T) {
	const (
		sun = 1 << time.Sunday
		mon = 1 << time.Monday
		tue = 1 << time.Tuesday
		wed = 1 << time.Wednesday
		thu = 1 << time.Thursday
		fri = 1 << time.Friday
		sat = 1 << time.Saturday
	)
	for _, c := range []struct {
		in   string
		want uint8
	}{
		{"mon", mon},
		{"mon-fri", mon | tue | wed | thu | fri},
		{"sat,sun", sat | sun},
		{"mon,wed-fri", mon | wed | thu | fri},
		{"fri-mon", fri | sat | sun | mon},
		{"sun-sat", 0x7f},
		{"sat-fri", 0x7f},
		{"tue-mon", 0x7f},
		{"daily", 0x7f},
		{"all", 0x7f},
		{"  Daily ", 0x7f},
		{"ALL", 0x7f},
		{"MON-Fri", mon | tue | wed | thu | fri},
		{" mon , wed - fri ", mon | wed | thu | fri},
		{"sun,sun", sun},
		{"mon-wed,tue-thu", mon | tue | wed | thu},
	} {
		got, err := parseDays(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseDays(%q) = %07b, %v; want %07b", c.in, got, err, c.want)
		}
	}
}

func TestParseClock(t *testing.T) {
	for _, c := range []struct {
		in   string
		end  bool
		want int
	}{
		{"00:00", false, 0},
		{"23:59", false, 23*60 + 59},
		{" 08:30 ", false, 8*60 + 30},
		{"24:00", true, 1440},
		{"00:00", true, 0},
		{"17:05", true, 17*60 + 5},
	} {
		got, err := parseClock(c.in, c.end)
		if err != nil || got != c.want {
			t.Errorf("parseClock(%q, %v) = %d, %v; want %d", c.in, c.end, got, err, c.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	ok := Rule{Days: "mon", From: "08:00", To: "09:00", Target: "x"}
	with := func(f func(*Rule)) Rule { r := ok; f(&r); return r }
	for _, c := range []struct {
		name  string
		rules []Rule
		want  []string // substrings of the error
	}{
		{"no rules", nil, []string{`schedule "test": no rules (empty schedule)`}},
		{"unknown day", []Rule{ok, with(func(r *Rule) { r.Days = "mox" })},
			[]string{`rule 2: days: unknown day "mox" (want mon, tue, wed, thu, fri, sat, sun, or daily)`}},
		{"full name", []Rule{with(func(r *Rule) { r.Days = "monday" })}, []string{`rule 1: days: unknown day "monday"`}},
		{"empty days", []Rule{with(func(r *Rule) { r.Days = " " })}, []string{"rule 1: days: is empty"}},
		{"empty item", []Rule{with(func(r *Rule) { r.Days = "mon,,fri" })}, []string{`days: "mon,,fri" has an empty item`}},
		{"trailing comma", []Rule{with(func(r *Rule) { r.Days = "mon," })}, []string{"has an empty item"}},
		{"open range", []Rule{with(func(r *Rule) { r.Days = "mon-" })}, []string{`unknown day ""`}},
		{"double range", []Rule{with(func(r *Rule) { r.Days = "mon-wed-fri" })}, []string{`unknown day "wed-fri"`}},
		{"same day range", []Rule{with(func(r *Rule) { r.Days = "tue-tue" })}, []string{`range "tue-tue" starts and ends on the same day`}},
		{"daily in list", []Rule{with(func(r *Rule) { r.Days = "mon,daily" })}, []string{`"daily" stands alone`}},
		{"bad from", []Rule{with(func(r *Rule) { r.From = "8:00" })}, []string{`rule 1: from: "8:00" is not a time (want HH:MM, 00:00 to 23:59)`}},
		{"from 24:00", []Rule{with(func(r *Rule) { r.From = "24:00" })}, []string{`from: "24:00" is not a time`}},
		{"hour 25", []Rule{with(func(r *Rule) { r.To = "25:00" })}, []string{`rule 1: to: "25:00" is not a time (want HH:MM, 00:00 to 24:00)`}},
		{"minute 60", []Rule{with(func(r *Rule) { r.To = "10:60" })}, []string{`to: "10:60" is not a time`}},
		{"24:01", []Rule{with(func(r *Rule) { r.To = "24:01" })}, []string{`to: "24:01" is not a time`}},
		{"seconds", []Rule{with(func(r *Rule) { r.To = "10:00:00" })}, []string{`to: "10:00:00" is not a time`}},
		{"sign", []Rule{with(func(r *Rule) { r.From = "-1:00" })}, []string{`from: "-1:00" is not a time`}},
		{"dot", []Rule{with(func(r *Rule) { r.From = "08.00" })}, []string{`from: "08.00" is not a time`}},
		{"empty from", []Rule{with(func(r *Rule) { r.From = "" })}, []string{`from: "" is not a time`}},
		{"empty span", []Rule{ok, ok, with(func(r *Rule) { r.To = "08:00" })},
			[]string{"rule 3: to: from and to are both 08:00, an empty span"}},
		{"empty span midnight", []Rule{with(func(r *Rule) { r.From, r.To = "00:00", "00:00" })}, []string{"from and to are both 00:00"}},
		{"empty target", []Rule{with(func(r *Rule) { r.Target = "" })}, []string{"rule 1: target: is empty"}},
		{"blank target", []Rule{ok, with(func(r *Rule) { r.Days, r.Target = "tue", " \t" })}, []string{"rule 2: target: is empty"}},
		{"all problems at once", []Rule{
			{Days: "xyz", From: "8", To: "99:99", Target: ""},
			ok,
			with(func(r *Rule) { r.Days = "mun" }),
		}, []string{`rule 1: days: unknown day "xyz"`, `rule 1: from: "8"`, `rule 1: to: "99:99"`, "rule 1: target: is empty", `rule 3: days: unknown day "mun"`}},
		{"same rule twice", []Rule{ok, ok}, []string{`rules 1 and 2 overlap on Mon 08:00`}},
		{"overlap", []Rule{
			{Days: "mon-fri", From: "08:00", To: "17:00", Target: "office"},
			{Days: "daily", From: "22:00", To: "07:00", Target: "dnd"},
			{Days: "tue", From: "16:00", To: "18:00", Target: "x"},
		}, []string{`schedule "test": rules 1 and 3 overlap on Tue 16:00`}},
		{"overlap through midnight", []Rule{
			{Days: "mon", From: "22:00", To: "07:00", Target: "a"},
			{Days: "tue", From: "06:00", To: "08:00", Target: "b"},
		}, []string{"rules 1 and 2 overlap on Tue 06:00"}},
		{"overlap through midnight, other order", []Rule{
			{Days: "tue", From: "06:00", To: "08:00", Target: "b"},
			{Days: "mon", From: "22:00", To: "07:00", Target: "a"},
		}, []string{"rules 1 and 2 overlap on Tue 06:00"}},
		{"overlap through the week's end", []Rule{
			{Days: "sat", From: "23:00", To: "01:00", Target: "a"},
			{Days: "sun", From: "00:30", To: "02:00", Target: "b"},
		}, []string{"rules 1 and 2 overlap on Sun 00:30"}},
		{"overlap with 24:00", []Rule{
			{Days: "wed", From: "00:00", To: "24:00", Target: "a"},
			{Days: "wed", From: "23:59", To: "24:00", Target: "b"},
		}, []string{"rules 1 and 2 overlap on Wed 23:59"}},
		{"several overlaps", []Rule{
			{Days: "daily", From: "00:00", To: "24:00", Target: "a"},
			{Days: "mon", From: "01:00", To: "02:00", Target: "b"},
			{Days: "sun", From: "03:00", To: "04:00", Target: "c"},
		}, []string{"rules 1 and 2 overlap on Mon 01:00", "rules 1 and 3 overlap on Sun 03:00"}},
	} {
		p, err := Compile("test", c.rules)
		if err == nil {
			t.Errorf("%s: no error (profile %v)", c.name, p != nil)
			continue
		}
		if p != nil {
			t.Errorf("%s: a profile with the error", c.name)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error\n%v\ndoes not say %q", c.name, err, w)
			}
		}
		if n := strings.Count(err.Error(), "\n") + 1; n != len(c.want) {
			t.Errorf("%s: %d problems, want %d:\n%v", c.name, n, len(c.want), err)
		}
		var e *Error
		if !errors.As(err, &e) || e.Profile != "test" {
			t.Errorf("%s: not an *Error of the profile: %#v", c.name, err)
		}
	}
}

func TestErrorFields(t *testing.T) {
	_, err := Compile("night", []Rule{
		{Days: "mon", From: "22:00", To: "07:00", Target: "a"},
		{Days: "tue", From: "06:00", To: "08:00", Target: "b"},
	})
	var e *Error
	if !errors.As(err, &e) || e.Rule != 1 || e.Other != 2 || e.Field != "" || e.Profile != "night" {
		t.Fatalf("overlap: %#v", e)
	}
	_, err = Compile("night", []Rule{{Days: "mon", From: "22:00", To: "7:00", Target: "a"}})
	if !errors.As(err, &e) || e.Rule != 1 || e.Other != 0 || e.Field != "to" {
		t.Fatalf("bad to: %#v", e)
	}
	if got, want := err.Error(), `schedule "night": rule 1: to: "7:00" is not a time (want HH:MM, 00:00 to 24:00)`; got != want {
		t.Fatalf("error %q, want %q", got, want)
	}
}

func TestCompileAccepts(t *testing.T) {
	for _, rules := range [][]Rule{
		{{Days: "daily", From: "00:00", To: "24:00", Target: "a"}},
		// Adjacent spans do not overlap: To is not included.
		{
			{Days: "mon-fri", From: "08:00", To: "17:00", Target: "office"},
			{Days: "mon-fri", From: "17:00", To: "22:00", Target: "house"},
			{Days: "daily", From: "22:00", To: "07:00", Target: "dnd"},
		},
		{
			{Days: "daily", From: "22:00", To: "24:00", Target: "a"},
			{Days: "daily", From: "00:00", To: "07:00", Target: "b"},
		},
		{
			{Days: "fri", From: "22:00", To: "07:00", Target: "a"},
			{Days: "sat", From: "07:00", To: "22:00", Target: "b"},
			{Days: "sat", From: "22:00", To: "00:00", Target: "c"},
			{Days: "sun", From: "00:00", To: "23:59", Target: "d"},
		},
	} {
		if _, err := Compile("ok", rules); err != nil {
			t.Errorf("%v: %v", rules, err)
		}
	}
}

func TestTooManyRules(t *testing.T) {
	rules := make([]Rule, MaxRules+1)
	_, err := Compile("big", rules)
	if err == nil || !strings.Contains(err.Error(), "256 rules, at most 255") {
		t.Fatalf("error %v", err)
	}
	// MaxRules rules fit: one a minute.
	rules = rules[:MaxRules]
	for i := range rules {
		rules[i] = Rule{Days: "mon", From: clockString(i), To: clockString(i + 1), Target: "x"}
	}
	p := mustCompile(t, rules...)
	if _, r, ok := p.At(week(time.Monday, 4, 14), time.UTC); !ok || r != 255 {
		t.Fatalf("Mon 04:14: rule %d, %v; want 255", r, ok)
	}
}

func TestAtAcrossMidnight(t *testing.T) {
	p := mustCompile(t,
		Rule{Days: "mon-fri", From: "08:00", To: "17:00", Target: "office"},
		Rule{Days: "fri", From: "22:00", To: "07:00", Target: "dnd"},
	)
	for _, c := range []struct {
		at     time.Time
		target string
		rule   int
	}{
		{week(time.Friday, 21, 59), "", 0},
		{week(time.Friday, 22, 0), "dnd", 2},
		{week(time.Friday, 23, 59), "dnd", 2},
		{week(time.Saturday, 0, 0), "dnd", 2},
		{week(time.Saturday, 6, 59), "dnd", 2},
		{week(time.Saturday, 7, 0), "", 0},
		{week(time.Saturday, 8, 0), "", 0},  // not a weekday
		{week(time.Thursday, 23, 0), "", 0}, // only Friday night
		{week(time.Friday, 6, 59), "", 0},   // Thursday's night is not covered
		{week(time.Monday, 7, 59), "", 0},   // office starts at 08:00
		{week(time.Monday, 8, 0), "office", 1},
		{week(time.Friday, 16, 59), "office", 1},
		{week(time.Friday, 17, 0), "", 0},
		{week(time.Saturday, 6, 59).Add(59*time.Second + 999*time.Millisecond), "dnd", 2},
	} {
		target, rule, ok := p.At(c.at, time.UTC)
		if target != c.target || rule != c.rule || ok != (c.rule != 0) {
			t.Errorf("At(%s) = %q, %d, %v; want %q, %d", c.at.Format("Mon 15:04:05.000"), target, rule, ok, c.target, c.rule)
		}
	}
}

func TestAtWeekEnd(t *testing.T) {
	// Saturday night crosses into Sunday, the start of the week array.
	p := mustCompile(t, Rule{Days: "sat", From: "23:00", To: "24:00", Target: "a"},
		Rule{Days: "sat", From: "22:00", To: "23:00", Target: "b"},
		Rule{Days: "sun", From: "23:30", To: "00:30", Target: "c"})
	for _, c := range []struct {
		at   time.Time
		rule int
	}{
		{week(time.Saturday, 21, 59), 0},
		{week(time.Saturday, 22, 0), 2},
		{week(time.Saturday, 23, 0), 1},
		{week(time.Saturday, 23, 59), 1},
		{week(time.Sunday, 0, 0), 0},
		{week(time.Sunday, 23, 30), 3},
		{week(time.Monday, 0, 0), 3}, // Monday 00:00 is Sunday's
		{week(time.Monday, 0, 29), 3},
		{week(time.Monday, 0, 30), 0},
	} {
		if _, rule, _ := p.At(c.at, time.UTC); rule != c.rule {
			t.Errorf("At(%s) = rule %d, want %d", c.at.Format("Mon 15:04"), rule, c.rule)
		}
	}
}

// TestAtInZone: At uses the wall clock of the zone it is given.
func TestAtInZone(t *testing.T) {
	p := mustCompile(t, Rule{Days: "mon", From: "00:00", To: "01:00", Target: "a"})
	east := time.FixedZone("east", 3*3600)
	// Sun 22:30 UTC is Mon 01:30 east; Sun 21:30 UTC is Mon 00:30 east.
	if _, _, ok := p.At(week(time.Sunday, 22, 30), east); ok {
		t.Error("Sun 22:30 UTC (Mon 01:30 east) matches")
	}
	if _, _, ok := p.At(week(time.Sunday, 21, 30), east); !ok {
		t.Error("Sun 21:30 UTC (Mon 00:30 east) does not match")
	}
	if _, _, ok := p.At(week(time.Sunday, 21, 30), time.UTC); ok {
		t.Error("Sun 21:30 UTC matches in UTC")
	}
}

func TestAtDSTBerlin(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	morning := mustCompile(t, Rule{Days: "daily", From: "07:00", To: "08:00", Target: "m"})
	// 07:30 on the wall in Berlin, by hand: CET is UTC+1, CEST UTC+2.
	for _, c := range []struct {
		name string
		at   time.Time
	}{
		{"Sat 2026-03-28 07:30 CET", utc(2026, 3, 28, 6, 30)},
		{"Sun 2026-03-29 07:30 CEST (spring forward)", utc(2026, 3, 29, 5, 30)},
		{"Mon 2026-03-30 07:30 CEST", utc(2026, 3, 30, 5, 30)},
		{"Sat 2026-10-24 07:30 CEST", utc(2026, 10, 24, 5, 30)},
		{"Sun 2026-10-25 07:30 CET (fall back)", utc(2026, 10, 25, 6, 30)},
		{"Mon 2026-10-26 07:30 CET", utc(2026, 10, 26, 6, 30)},
	} {
		if _, _, ok := morning.At(c.at, berlin); !ok {
			t.Errorf("%s (%s): daily 07:00-08:00 does not match", c.name, c.at.Format("15:04 UTC"))
		}
		if _, _, ok := morning.At(c.at.Add(-time.Hour), berlin); ok {
			t.Errorf("%s minus an hour: matches", c.name)
		}
		if _, _, ok := morning.At(c.at.Add(time.Hour), berlin); ok {
			t.Errorf("%s plus an hour: matches", c.name)
		}
	}
	// Exactly an hour of each of those days matches.
	for _, day := range []time.Time{
		time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), time.Date(2026, 10, 25, 0, 0, 0, 0, berlin),
	} {
		if n := countMatches(morning, day, day.AddDate(0, 0, 1), berlin); n != 60 {
			t.Errorf("%s: %d minutes match daily 07:00-08:00, want 60", day.Format("2006-01-02"), n)
		}
	}

	night := mustCompile(t, Rule{Days: "sun", From: "02:00", To: "03:00", Target: "n"})
	// Spring forward: 02:00-03:00 never happens on 2026-03-29 (Berlin's
	// day is 2026-03-28 23:00 UTC to 2026-03-29 22:00 UTC).
	if n := countMatches(night, utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0), berlin); n != 0 {
		t.Errorf("spring forward: %d minutes match sun 02:00-03:00, want none", n)
	}
	// ... but does the Sunday after: 02:30 CEST is 00:30 UTC.
	if _, _, ok := night.At(utc(2026, 4, 5, 0, 30), berlin); !ok {
		t.Error("Sun 2026-04-05 02:30 CEST does not match sun 02:00-03:00")
	}
	// Fall back: 02:30 CEST (00:30 UTC) and 02:30 CET (01:30 UTC) both
	// match; two hours of the day in all.
	for _, at := range []time.Time{utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 1, 59)} {
		if _, _, ok := night.At(at, berlin); !ok {
			t.Errorf("fall back: %s (%s) does not match sun 02:00-03:00", at.Format("15:04 UTC"), at.In(berlin).Format("15:04 MST"))
		}
	}
	for _, at := range []time.Time{utc(2026, 10, 24, 23, 59), utc(2026, 10, 25, 2, 0)} {
		if _, _, ok := night.At(at, berlin); ok {
			t.Errorf("fall back: %s (%s) matches sun 02:00-03:00", at.Format("15:04 UTC"), at.In(berlin).Format("15:04 MST"))
		}
	}
	if n := countMatches(night, utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0), berlin); n != 120 {
		t.Errorf("fall back: %d minutes match sun 02:00-03:00, want 120", n)
	}
}

func TestAtDSTNewYork(t *testing.T) {
	ny := zone(t, "America/New_York")
	p := mustCompile(t, Rule{Days: "daily", From: "07:00", To: "08:00", Target: "m"})
	// Clocks go forward on Sun 2026-03-08 at 02:00 EST (07:00 UTC): 07:30
	// is 12:30 UTC in EST (UTC-5) on the 7th and 11:30 UTC in EDT (UTC-4)
	// on the 8th.
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{utc(2026, 3, 7, 12, 30), true},
		{utc(2026, 3, 7, 11, 30), false},
		{utc(2026, 3, 8, 11, 30), true},
		{utc(2026, 3, 8, 12, 30), false},
	} {
		if _, _, ok := p.At(c.at, ny); ok != c.want {
			t.Errorf("At(%s) = %v, want %v (%s)", c.at.Format("01-02 15:04 UTC"), ok, c.want, c.at.In(ny).Format("15:04 MST"))
		}
	}
}

func countMatches(p *Profile, from, to time.Time, loc *time.Location) int {
	n := 0
	for at := from; at.Before(to); at = at.Add(time.Minute) {
		if _, _, ok := p.At(at, loc); ok {
			n++
		}
	}
	return n
}

func TestNext(t *testing.T) {
	p := mustCompile(t,
		Rule{Days: "mon-fri", From: "08:00", To: "17:00", Target: "office"},
		Rule{Days: "fri", From: "22:00", To: "07:00", Target: "dnd"},
		Rule{Days: "mon-thu,sun", From: "00:00", To: "07:00", Target: "early"},
	)
	for _, c := range []struct {
		from, want time.Time
	}{
		{week(time.Monday, 7, 0), week(time.Monday, 8, 0)},
		{week(time.Monday, 7, 59).Add(30 * time.Second), week(time.Monday, 8, 0)},
		{week(time.Monday, 8, 0), week(time.Monday, 17, 0)},
		{week(time.Friday, 17, 0), week(time.Friday, 22, 0)},
		// Across midnight without a change: Friday night is one rule.
		{week(time.Friday, 22, 0), week(time.Saturday, 7, 0)},
		{week(time.Friday, 23, 59).Add(59 * time.Second), week(time.Saturday, 7, 0)},
		// Across midnight with a change: uncovered from Saturday 07:00 to
		// Sunday 00:00, when rule 3 starts.
		{week(time.Saturday, 7, 0), week(time.Saturday, 7, 0).Add(17 * time.Hour)},
		// Across midnight without a change: uncovered from Thursday 17:00
		// to Friday 08:00 (rule 3 is not on Fridays).
		{week(time.Thursday, 17, 0), week(time.Thursday, 17, 0).Add(15 * time.Hour)},
		{week(time.Sunday, 6, 0), week(time.Sunday, 7, 0)},
	} {
		got := p.Next(c.from, time.UTC)
		if !got.Equal(c.want) {
			t.Errorf("Next(%s) = %s, want %s", c.from.Format("Mon 15:04:05"), got.Format("Mon Jan 2 15:04:05"), c.want.Format("Mon Jan 2 15:04:05"))
		}
	}

	// Two rules meeting at midnight are a change.
	q := mustCompile(t,
		Rule{Days: "daily", From: "22:00", To: "24:00", Target: "a"},
		Rule{Days: "daily", From: "00:00", To: "07:00", Target: "a"},
	)
	if got, want := q.Next(week(time.Tuesday, 23, 0), time.UTC), week(time.Wednesday, 0, 0); !got.Equal(want) {
		t.Errorf("Next at rule 1 = %s, want %s", got, want)
	}

	always := mustCompile(t, Rule{Days: "all", From: "00:00", To: "24:00", Target: "a"})
	if got := always.Next(week(time.Monday, 0, 0), time.UTC); !got.IsZero() {
		t.Errorf("Next of a profile that never changes = %s, want zero", got)
	}
	// Once a week: the change is found up to 7 days ahead.
	weekly := mustCompile(t, Rule{Days: "wed", From: "12:00", To: "12:01", Target: "a"})
	if got, want := weekly.Next(week(time.Wednesday, 12, 1), time.UTC), week(time.Wednesday, 12, 0).AddDate(0, 0, 7); !got.Equal(want) {
		t.Errorf("weekly Next = %s, want %s", got, want)
	}
	if got := weekly.Next(week(time.Wednesday, 12, 1), time.UTC); got.Location() != time.UTC {
		t.Errorf("Next in %s, want UTC", got.Location())
	}
}

func TestNextDST(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	morning := mustCompile(t, Rule{Days: "daily", From: "07:00", To: "08:00", Target: "m"})
	night := mustCompile(t, Rule{Days: "sun", From: "02:00", To: "03:00", Target: "n"})
	for _, c := range []struct {
		name       string
		p          *Profile
		from, want time.Time
	}{
		// Sat 08:30 CET to Sun 07:00 CEST: 22.5 hours of wall clock, 21.5 real.
		{"spring forward", morning, utc(2026, 3, 28, 7, 30), utc(2026, 3, 29, 5, 0)},
		// Sat 08:30 CEST to Sun 07:00 CET: 23.5 real hours.
		{"fall back", morning, utc(2026, 10, 24, 6, 30), utc(2026, 10, 25, 6, 0)},
		{"fall back, end", morning, utc(2026, 10, 25, 6, 0), utc(2026, 10, 25, 7, 0)},
		// The skipped hour is no change; the next Sunday's 02:00 CEST is.
		{"skipped hour", night, utc(2026, 3, 29, 0, 0), utc(2026, 4, 5, 0, 0)},
		// The repeated hour is covered twice: from 02:10 CEST to 03:00 CET.
		{"repeated hour", night, utc(2026, 10, 25, 0, 10), utc(2026, 10, 25, 2, 0)},
		{"repeated hour, start", night, utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 0, 0)},
	} {
		got := c.p.Next(c.from, berlin)
		if !got.Equal(c.want) {
			t.Errorf("%s: Next(%s) = %s, want %s", c.name, c.from.In(berlin).Format("Mon 01-02 15:04 MST"),
				got.In(berlin).Format("Mon 01-02 15:04 MST"), c.want.In(berlin).Format("Mon 01-02 15:04 MST"))
		}
		if got.Location() != berlin {
			t.Errorf("%s: Next in %s, want Europe/Berlin", c.name, got.Location())
		}
	}
}

func TestLoadLocation(t *testing.T) {
	for _, name := range []string{"", "local", "Local", " LOCAL "} {
		if loc, err := LoadLocation(name); err != nil || loc != time.Local {
			t.Errorf("LoadLocation(%q) = %v, %v; want Local", name, loc, err)
		}
	}
	if loc, err := LoadLocation("UTC"); err != nil || loc.String() != "UTC" {
		t.Errorf("LoadLocation(UTC) = %v, %v", loc, err)
	}
	zone(t, "Europe/Berlin")
	if loc, err := LoadLocation("Europe/Berlin"); err != nil || loc.String() != "Europe/Berlin" {
		t.Errorf("LoadLocation(Europe/Berlin) = %v, %v", loc, err)
	}
	for _, name := range []string{"Europe/Nowhere", "../etc/passwd", "/etc/localtime", "berlin"} {
		_, err := LoadLocation(name)
		if err == nil || !strings.HasPrefix(err.Error(), "unknown time zone "+`"`+name+`": `) {
			t.Errorf("LoadLocation(%q): error %v", name, err)
		}
	}
}

func TestValidClock(t *testing.T) {
	yes := func() bool { return true }
	no := func() bool { return false }
	asked := false
	for _, c := range []struct {
		now    time.Time
		synced func() bool
		ok     bool
		reason string
	}{
		{time.Unix(0, 0), yes, false, "clock not set (it reads 1970-01-01 00:00 UTC, before 2024)"},
		{utc(2023, 12, 31, 23, 59), yes, false, "clock not set (it reads 2023-12-31 23:59 UTC, before 2024)"},
		{utc(2024, 1, 1, 0, 0), yes, true, ""},
		{utc(2026, 12, 7, 13, 0), yes, true, ""},
		{utc(2026, 12, 7, 13, 0), no, false, "clock not synchronised (no NTP)"},
		{time.Unix(0, 0), func() bool { asked = true; return true }, false, "clock not set"},
	} {
		ok, reason := validClock(c.now, c.synced)
		if ok != c.ok || !strings.HasPrefix(reason, c.reason) || (c.reason == "") != (reason == "") {
			t.Errorf("validClock(%s) = %v, %q; want %v, %q", c.now, ok, reason, c.ok, c.reason)
		}
	}
	if asked {
		t.Error("synchronisation asked of a clock in 1970")
	}
}

func TestSystemClock(t *testing.T) {
	c := SystemClock()
	if d := time.Since(c.Now()); d < 0 || d > time.Minute {
		t.Errorf("Now is %s off", d)
	}
	ok, reason := c.Valid()
	if !ok && reason == "" {
		t.Error("not valid, with no reason")
	}
	if ok && reason != "" {
		t.Errorf("valid, with a reason %q", reason)
	}
	t.Logf("system clock valid: %v %s (kernel says synchronised: %v)", ok, reason, kernelSynchronised())
}

// nextSlow is Next done the simple way: a minute of real time at a time.
func nextSlow(p *Profile, t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	_, cur, _ := p.At(lt, loc)
	u := nextWallMinute(lt)
	for range 8*minutesPerDay + 120 {
		if _, r, _ := p.At(u, loc); r != cur {
			return u
		}
		u = u.Add(time.Minute)
	}
	return time.Time{}
}

// TestNextAgainstSlow compares Next with nextSlow from every 41 minutes and
// 13 seconds of the weeks around the changes of daylight saving time.
func TestNextAgainstSlow(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	ny := zone(t, "America/New_York")
	profiles := []*Profile{
		mustCompile(t, Rule{Days: "sun", From: "02:00", To: "03:00", Target: "n"}),
		mustCompile(t, Rule{Days: "daily", From: "02:30", To: "02:31", Target: "n"}),
		mustCompile(t,
			Rule{Days: "mon-fri", From: "08:00", To: "17:00", Target: "office"},
			Rule{Days: "daily", From: "22:00", To: "01:00", Target: "dnd"},
			Rule{Days: "sat,sun", From: "01:30", To: "03:00", Target: "x"},
		),
		mustCompile(t,
			Rule{Days: "daily", From: "00:00", To: "02:15", Target: "a"},
			Rule{Days: "daily", From: "02:15", To: "24:00", Target: "b"},
		),
	}
	for _, c := range []struct {
		loc  *time.Location
		from time.Time
	}{
		{berlin, utc(2026, 3, 26, 0, 0)},
		{berlin, utc(2026, 10, 22, 0, 0)},
		{ny, utc(2026, 3, 5, 0, 0)},
		{ny, utc(2026, 10, 29, 0, 0)},
		{time.UTC, utc(2026, 12, 1, 0, 0)},
	} {
		for i, p := range profiles {
			for at := c.from; at.Before(c.from.AddDate(0, 0, 5)); at = at.Add(41*time.Minute + 13*time.Second) {
				got, want := p.Next(at, c.loc), nextSlow(p, at, c.loc)
				if !got.Equal(want) {
					t.Fatalf("profile %d, %s: Next(%s) = %s, want %s", i+1, c.loc, at.In(c.loc).Format(time.RFC3339),
						got.In(c.loc).Format(time.RFC3339), want.In(c.loc).Format(time.RFC3339))
				}
			}
		}
	}
}
