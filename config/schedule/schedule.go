package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay

	// MaxRules is the most rules a profile may have.
	MaxRules = 255
)

// Rule is one line of a profile as written in the config file; see the
// package documentation for the syntax.
type Rule struct {
	Days   string // "mon-fri", "sat,sun", "mon,wed-fri", "fri-mon", "daily" or "all"
	From   string // "HH:MM", 00:00 to 23:59, local wall-clock time
	To     string // "HH:MM", 00:00 to 23:59 or 24:00; earlier than From crosses midnight
	Target string // opaque here; must not be blank
}

// Profile is a compiled, checked weekly schedule. It is not changed after
// Compile and may be used from several goroutines.
type Profile struct {
	name  string
	rules []Rule
	// week holds, for each minute of the week (Sunday 00:00 first, as
	// time.Weekday counts), the 1-based index of the rule covering it, or 0.
	week [minutesPerWeek]uint8
}

// Error is one problem Compile found. Compile returns them joined
// (errors.Join); errors.As finds the first.
type Error struct {
	Profile string // the profile's name
	Rule    int    // 1-based; 0 for the profile as a whole
	Other   int    // with an overlap, the later rule (Rule is the earlier); else 0
	Field   string // "days", "from", "to" or "target"; "" when not one field's
	Msg     string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schedule %q: ", e.Profile)
	switch {
	case e.Other != 0:
		fmt.Fprintf(&b, "rules %d and %d ", e.Rule, e.Other)
	case e.Rule != 0:
		fmt.Fprintf(&b, "rule %d: ", e.Rule)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// span is one rule, parsed: a set of days (bit i for time.Weekday(i)) and
// minutes of the day; to <= from crosses midnight.
type span struct {
	days     uint8
	from, to int
}

// Compile checks the rules of the profile called name and returns it. It
// reports every problem of the rules (bad day, bad time, empty span, blank
// target), or, when each rule is well formed, every pair of rules that
// cover a same minute, as *Error values joined with errors.Join.
func Compile(name string, rules []Rule) (*Profile, error) {
	var errs []error
	bad := func(rule int, field, format string, args ...any) {
		errs = append(errs, &Error{Profile: name, Rule: rule, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case len(rules) == 0:
		bad(0, "", "no rules (empty schedule)")
		return nil, errors.Join(errs...)
	case len(rules) > MaxRules:
		bad(0, "", "%d rules, at most %d", len(rules), MaxRules)
		return nil, errors.Join(errs...)
	}
	spans := make([]span, len(rules))
	for i, r := range rules {
		n := i + 1
		var s span
		var err error
		ok := true
		if s.days, err = parseDays(r.Days); err != nil {
			bad(n, "days", "%v", err)
			ok = false
		}
		from, errFrom := parseClock(r.From, false)
		if errFrom != nil {
			bad(n, "from", "%v", errFrom)
			ok = false
		}
		to, errTo := parseClock(r.To, true)
		if errTo != nil {
			bad(n, "to", "%v", errTo)
			ok = false
		}
		if errFrom == nil && errTo == nil && from == to {
			bad(n, "to", "from and to are both %s, an empty span (a whole day is 00:00-24:00)", clockString(from))
			ok = false
		}
		if strings.TrimSpace(r.Target) == "" {
			bad(n, "target", "is empty")
			ok = false
		}
		if ok {
			s.from, s.to = from, to
			spans[i] = s
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p := &Profile{name: name, rules: append([]Rule(nil), rules...)}
	reported := make(map[[2]int]bool)
	for i, s := range spans {
		n := uint8(i + 1)
		for _, d := range weekOrder {
			if s.days&(1<<d) == 0 {
				continue
			}
			length := s.to - s.from
			if length <= 0 {
				length += minutesPerDay
			}
			start := int(d)*minutesPerDay + s.from
			for m := start; m < start+length; m++ {
				w := m % minutesPerWeek
				if old := p.week[w]; old != 0 {
					pair := [2]int{int(old), int(n)}
					if !reported[pair] {
						reported[pair] = true
						errs = append(errs, &Error{Profile: name, Rule: pair[0], Other: pair[1],
							Msg: "overlap on " + minuteString(w)})
					}
					continue
				}
				p.week[w] = n
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// Name returns the profile's name.
func (p *Profile) Name() string { return p.name }

// At returns the target of the rule covering the instant t on the wall
// clock of loc (nil is time.Local), with the rule's 1-based index; ok is
// false when no rule covers that minute.
func (p *Profile) At(t time.Time, loc *time.Location) (target string, rule int, ok bool) {
	r := p.week[weekMinute(t, loc)]
	if r == 0 {
		return "", 0, false
	}
	return p.rules[r-1].Target, int(r), true
}

// Next returns the first instant after t at which the answer of At
// changes (another rule, or a rule instead of none, or none instead of a
// rule), in loc (nil is time.Local); the zero time when it never changes.
// It walks real time, so a skipped hour is skipped and a repeated hour
// repeated: from one wall-clock minute to the end of its run of minutes
// with the same rule, or to the next change of loc's offset
// (time.Time.ZoneBounds) if that comes first. It looks at most 8 days
// ahead; a profile that differs anywhere in the week changes within that.
func (p *Profile) Next(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.Local
	}
	if p.constant() {
		return time.Time{}
	}
	lt := t.In(loc)
	cur := p.week[weekMinute(lt, loc)]
	limit := lt.Add(8*24*time.Hour + 2*time.Hour)
	u := nextWallMinute(lt)
	for u.Before(limit) {
		w := weekMinute(u, loc)
		if p.week[w] != cur {
			return u
		}
		next := u.Add(time.Duration(p.run(w)) * time.Minute)
		if _, end := u.ZoneBounds(); !end.IsZero() && end.Before(next) {
			// The offset changes first: the wall clock jumps there.
			next = end.In(loc)
			if p.week[weekMinute(next, loc)] != cur {
				return next
			}
			next = nextWallMinute(next.Add(-time.Nanosecond))
		}
		u = next
	}
	return time.Time{}
}

// nextWallMinute returns the first instant after t at which the seconds
// of t's wall clock are zero.
func nextWallMinute(t time.Time) time.Time {
	return t.Add(time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond()))
}

// run returns how many minutes of the week from w on (at least 1) have the
// rule of w.
func (p *Profile) run(w int) int {
	r := p.week[w]
	n := 1
	for n < minutesPerWeek && p.week[(w+n)%minutesPerWeek] == r {
		n++
	}
	return n
}

// constant says whether every minute of the week has the same answer.
func (p *Profile) constant() bool {
	for _, r := range p.week {
		if r != p.week[0] {
			return false
		}
	}
	return true
}

func weekMinute(t time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.Local
	}
	lt := t.In(loc)
	return int(lt.Weekday())*minutesPerDay + lt.Hour()*60 + lt.Minute()
}

// LoadLocation returns the time zone called name: "" or "local" is the
// system's zone (time.Local), anything else a name of the system's
// zoneinfo database, such as "Europe/Berlin" or "UTC".
func LoadLocation(name string) (*time.Location, error) {
	if n := strings.TrimSpace(name); n == "" || strings.EqualFold(n, "local") {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: %v", name, err)
	}
	return loc, nil
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// weekOrder is the order in which Compile walks a rule's days, so that an
// overlap is reported on the first day of a Monday-first week.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

const wantDays = "want mon, tue, wed, thu, fri, sat, sun, or daily"

// parseDays returns the days of s as a set, bit i for time.Weekday(i).
func parseDays(s string) (uint8, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "":
		return 0, fmt.Errorf("is empty (%s)", wantDays)
	case "daily", "all":
		return 0x7f, nil
	}
	var set uint8
	for item := range strings.SplitSeq(t, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return 0, fmt.Errorf("%q has an empty item", s)
		}
		if item == "daily" || item == "all" {
			return 0, fmt.Errorf("%q: %q stands alone, not in a list", s, item)
		}
		a, b, isRange := strings.Cut(item, "-")
		first, err := parseDay(a)
		if err != nil {
			return 0, err
		}
		if !isRange {
			set |= 1 << first
			continue
		}
		last, err := parseDay(b)
		if err != nil {
			return 0, err
		}
		if first == last {
			return 0, fmt.Errorf("range %q starts and ends on the same day", item)
		}
		for d := first; ; d = (d + 1) % 7 {
			set |= 1 << d
			if d == last {
				break
			}
		}
	}
	return set, nil
}

func parseDay(s string) (int, error) {
	s = strings.TrimSpace(s)
	for i, n := range dayNames {
		if s == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown day %q (%s)", s, wantDays)
}

// parseClock returns the minute of the day of "HH:MM"; with end, "24:00"
// is allowed and returns minutesPerDay.
func parseClock(s string, end bool) (int, error) {
	t := strings.TrimSpace(s)
	want := "want HH:MM, 00:00 to 23:59"
	if end {
		want = "want HH:MM, 00:00 to 24:00"
	}
	if end && t == "24:00" {
		return minutesPerDay, nil
	}
	if len(t) != 5 || t[2] != ':' || !isDigits(t[:2]) || !isDigits(t[3:]) {
		return 0, fmt.Errorf("%q is not a time (%s)", s, want)
	}
	h := int(t[0]-'0')*10 + int(t[1]-'0')
	m := int(t[3]-'0')*10 + int(t[4]-'0')
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%q is not a time (%s)", s, want)
	}
	return h*60 + m, nil
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func clockString(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// minuteString is a minute of the week as "Tue 08:00".
func minuteString(w int) string {
	d := dayNames[w/minutesPerDay]
	return strings.ToUpper(d[:1]) + d[1:] + " " + clockString(w%minutesPerDay)
}
