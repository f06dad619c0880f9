package config

import (
	"reflect"
	"testing"
	"time"
)

func TestRoute(t *testing.T) {
	cfg, err := Parse("groups.toml", []byte(`
[calls]
ring_timeout = "30s"
[[groups]]
name = "inside"
mode = "parallel"
members = ["10.0.0.1", "10.0.0.2"]
ring_time = "20s"
[[groups]]
name = "both"
mode = "parallel"
members = ["group:inside", "10.0.0.2", "10.0.0.3"]
[[groups]]
name = "mobiles"
mode = "sequential"
members = ["10.0.0.8", "10.0.0.9"]
ring_time = "10s"
[[groups]]
name = "house"
mode = "sequential"
members = ["group:inside", "10.0.0.7", "group:mobiles"]
ring_time = "15s"
`))
	if err != nil {
		t.Fatal(err)
	}
	s := time.Second
	for _, c := range []struct {
		target string
		want   []Stage
	}{
		{"10.0.0.5", []Stage{{[]string{"10.0.0.5"}, 30 * s}}},
		{"group:inside", []Stage{{[]string{"10.0.0.1", "10.0.0.2"}, 20 * s}}},
		{"group:both", []Stage{{[]string{"10.0.0.1", "10.0.0.2", "10.0.0.3"}, 30 * s}}},
		{"group:house", []Stage{
			{[]string{"10.0.0.1", "10.0.0.2"}, 20 * s},
			{[]string{"10.0.0.7"}, 15 * s},
			{[]string{"10.0.0.8"}, 10 * s},
			{[]string{"10.0.0.9"}, 10 * s},
		}},
	} {
		if got := cfg.Route(c.target); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Route(%q) = %v, want %v", c.target, got, c.want)
		}
	}
}

func TestProfileRules(t *testing.T) {
	cfg, err := Parse("profiles.toml", []byte(`
[device]
timezone = "UTC"
[[groups]]
name = "office"
mode = "parallel"
members = ["10.0.0.1"]
[[profiles]]
name = "family"
rules = ["mon-fri 08:00-17:00 group:office", "daily 22:00-07:00 dnd"]
[[buttons]]
name = "bell"
pin = "GPIO17"
target = "10.0.0.9"
profile = "family"
`))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := cfg.Profile("family")
	sch, err := cfg.CompileProfile(p)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := cfg.Location()
	for at, want := range map[string]string{
		"2026-12-07T09:00:00Z": "group:office", // Monday
		"2026-12-07T23:30:00Z": "dnd",
		"2026-12-08T06:59:00Z": "dnd",
		"2026-12-08T07:00:00Z": "",
		"2026-12-12T09:00:00Z": "", // Saturday
	} {
		tm, _ := time.Parse(time.RFC3339, at)
		got, _, _ := sch.At(tm, loc)
		if got != want {
			t.Errorf("At(%s) = %q, want %q", at, got, want)
		}
	}
}
