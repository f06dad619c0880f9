// Package schedule is the weekly time profiles that choose whom a door
// button calls: on weekdays 08:00-17:00 the office, every night
// do-not-disturb, otherwise the button's own target. It is plain data and
// a clock check; it does not import package config, which uses it.
//
// A profile is a name and a list of rules, each written as
//
//	days   = "mon-fri"
//	from   = "08:00"
//	to     = "17:00"
//	target = "group:office"
//
// Days is a comma-separated list of days and ranges of days, or the single
// word "daily" (or "all") for every day. Days are the English three-letter
// names mon, tue, wed, thu, fri, sat, sun, in any case; spaces around names,
// commas and hyphens are ignored. A range goes forward through the week and
// may wrap past Sunday: "fri-mon" is Friday, Saturday, Sunday and Monday.
// "mon,wed-fri" is Monday, Wednesday, Thursday and Friday. A range that
// starts and ends on the same day ("mon-mon"), an empty item ("mon,,fri")
// and "daily" inside a list are errors; a day named twice is harmless.
//
// From and To are "HH:MM", two digits each, in 24-hour local wall-clock
// time. From is 00:00 to 23:59; To is 00:00 to 23:59 or "24:00", the end of
// the day. The span is From up to but not including To. When To is earlier
// than From the span crosses midnight, and the part after midnight belongs
// to the next day: "fri 22:00-07:00" is Friday 22:00 to Saturday 07:00, and
// "sun 22:00-07:00" is Sunday 22:00 to Monday 07:00. From equal to To is an
// error (an empty span; a whole day is "00:00"-"24:00").
//
// Target is opaque to this package ("group:house", "192.168.1.20", "dnd"):
// it must not be empty or blank, and At returns it exactly as written.
//
// Compile checks a profile and reports every problem at once, each an
// *Error naming the profile, the rule (1-based) and the field:
//
//	schedule "office": no rules (empty schedule)
//	schedule "office": rule 2: days: unknown day "mox" (want mon, tue, wed, thu, fri, sat, sun, or daily)
//	schedule "office": rule 2: from: "8:00" is not a time (want HH:MM, 00:00 to 23:59)
//	schedule "office": rule 3: to: from and to are both 08:00, an empty span (a whole day is 00:00-24:00)
//	schedule "office": rule 4: target: is empty
//	schedule "office": rules 1 and 3 overlap on Tue 08:00
//
// No two rules may cover the same minute of the week: the week is kept as
// its 7*1440 minutes, each holding the one rule that covers it (or none),
// so overlaps are found exactly, including those that exist only through a
// span crossing midnight ("mon 22:00-07:00" and "tue 06:00-08:00" overlap
// on Tue 06:00). Overlaps are checked only when every rule is well formed.
// A minute that no rule covers falls back to the button's own target.
//
// # Time zones and daylight saving time
//
// Rules are wall-clock times in one time zone (LoadLocation: the system's
// zone, or a name from /usr/share/zoneinfo such as "Europe/Berlin"). At
// turns an instant into that zone's wall clock and looks up the weekday
// and minute of the day, so daylight saving time is right by construction:
// on the day the clocks go forward the skipped hour (02:00-03:00 in
// Europe/Berlin) never occurs, so a rule covering only that hour matches no
// instant that day; on the day they go back, the repeated hour is covered,
// twice, by whatever rule covers it. "daily 07:00-08:00" is 07:00-08:00 on
// the clock on the wall on every day, 23, 24 or 25 hours long.
//
// Next reports when the answer of At changes next (for "until 17:00" in
// logs and status), stepping through real time so that skipped and repeated
// hours are taken as they come.
//
// # The clock
//
// A Raspberry Pi has no battery-backed clock: it boots in 1970, or at the
// time fake-hwclock saved, until NTP sets it. SystemClock's Valid says
// whether the clock can be trusted for schedules: never when it reads a
// year before 2024; otherwise when the kernel reports it synchronised
// (adjtimex(2): no STA_UNSYNC, state not TIME_ERROR) or systemd-timesyncd
// has created /run/systemd/timesync/synchronized. A caller should not
// follow a schedule while the clock is not valid.
package schedule
