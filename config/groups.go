package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Group modes (groups[].mode).
const (
	GroupParallel   = "parallel"
	GroupSequential = "sequential"
)

// GroupPrefix starts a target that names a ring group: "group:house".
const GroupPrefix = "group:"

// MaxGroupMembers bounds the destinations one stage rings at once (each
// is an INVITE and a transaction), and the members of a group.
const MaxGroupMembers = 16

// Group is a ring group: several destinations for one press.
//
//	[[groups]]
//	name = "house"
//	mode = "parallel"      # or "sequential"
//	members = ["192.168.1.20", "192.168.1.21", "group:mobiles"]
//	ring_time = "20s"      # the whole group when parallel, each member when sequential
//
// parallel: every member rings at once; the first to answer gets the call
// and the others are cancelled ("Call completed elsewhere"). sequential:
// each member in turn for ring_time, the next at once when one is busy,
// declines or cannot be reached. A member may be a group (one level: that
// group's members must not be groups); a parallel group may hold parallel
// groups only (their members ring with it, for its ring_time), a
// sequential group either kind (a parallel member rings as one step, for
// its own ring_time; a sequential member's members are steps of their own).
type Group struct {
	Name     string   `toml:"name"`
	Mode     string   `toml:"mode"`
	Members  []string `toml:"members"`
	RingTime Duration `toml:"ring_time"` // 0: calls.ring_timeout
}

// Stage is one step of a call's route: its targets ring at once for
// RingTime.
type Stage struct {
	Targets  []string
	RingTime time.Duration
}

// GroupName is the group a target names ("group:house": "house"), or "".
func GroupName(target string) string {
	name, ok := strings.CutPrefix(target, GroupPrefix)
	if !ok {
		return ""
	}
	return name
}

// Group returns the group called name.
func (cfg *Config) Group(name string) (Group, bool) {
	for _, g := range cfg.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// Route is the steps a call to target takes: one stage for a plain target
// (calls.ring_timeout) or a parallel group, one per member for a
// sequential group. The target must have passed the config's checks.
func (cfg *Config) Route(target string) []Stage {
	g, ok := cfg.Group(GroupName(target))
	if !ok {
		return []Stage{{Targets: []string{target}, RingTime: cfg.Calls.RingTimeout.Duration}}
	}
	if g.Mode != GroupSequential {
		return []Stage{{Targets: cfg.flatten(g), RingTime: cfg.ringTime(g)}}
	}
	var out []Stage
	for _, m := range g.Members {
		sub, ok := cfg.Group(GroupName(m))
		switch {
		case !ok:
			out = append(out, Stage{Targets: []string{m}, RingTime: cfg.ringTime(g)})
		case sub.Mode == GroupSequential:
			for _, sm := range sub.Members {
				out = append(out, Stage{Targets: []string{sm}, RingTime: cfg.ringTime(sub)})
			}
		default:
			out = append(out, Stage{Targets: cfg.flatten(sub), RingTime: cfg.ringTime(sub)})
		}
	}
	return out
}

// flatten is the distinct destinations of a parallel group, its member
// groups' included.
func (cfg *Config) flatten(g Group) []string {
	var out []string
	for _, m := range g.Members {
		more := []string{m}
		if sub, ok := cfg.Group(GroupName(m)); ok {
			more = sub.Members
		}
		for _, t := range more {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

func (cfg *Config) ringTime(g Group) time.Duration {
	if g.RingTime.Duration > 0 {
		return g.RingTime.Duration
	}
	return cfg.Calls.RingTimeout.Duration
}

// checkGroups checks [[groups]]: names, modes, members (targets or
// groups, nested one level, never itself), ring times.
func checkGroups(c *checker, cfg *Config) {
	seen := map[string]bool{}
	for i, g := range cfg.Groups {
		k := fmt.Sprintf("groups[%d]", i)
		switch {
		case !validGroupName(g.Name):
			c.bad(k+".name", "%q must be 1 to 32 letters, digits, '-' or '_' (called as \"group:NAME\")", g.Name)
		case seen[g.Name]:
			c.bad(k+".name", "%q is used twice", g.Name)
		}
		seen[g.Name] = true
		c.oneOf(k+".mode", g.Mode, GroupParallel, GroupSequential)
		if g.RingTime.Duration != 0 || g.RingTime.err != nil {
			c.duration(k+".ring_time", g.RingTime, 5*time.Second, 10*time.Minute)
		}
		switch n := len(g.Members); {
		case n == 0:
			c.bad(k+".members", "is empty: list the targets to ring (IPs, SIP URIs, \"group:NAME\")")
		case n > MaxGroupMembers:
			c.bad(k+".members", "has %d members, more than %d", n, MaxGroupMembers)
		}
		for _, m := range g.Members {
			c.err(k+".members", cfg.checkMember(g, m))
		}
		if g.Mode == GroupParallel && len(cfg.flatten(g)) > MaxGroupMembers {
			c.bad(k+".members", "rings %d destinations at once, more than %d", len(cfg.flatten(g)), MaxGroupMembers)
		}
	}
}

// checkMember checks member m of group g.
func (cfg *Config) checkMember(g Group, m string) error {
	name, isGroup := strings.CutPrefix(m, GroupPrefix)
	if !isGroup {
		return cfg.checkPlainTarget(m)
	}
	sub, ok := cfg.Group(name)
	switch {
	case name == g.Name:
		return fmt.Errorf("%q names the group itself", m)
	case !ok:
		return fmt.Errorf("%q names no group (define it with [[groups]] name = %q)", m, name)
	case g.Mode == GroupParallel && sub.Mode == GroupSequential:
		return fmt.Errorf("%q is sequential: a parallel group may only hold parallel groups", m)
	}
	for _, sm := range sub.Members {
		if strings.HasPrefix(sm, GroupPrefix) {
			return fmt.Errorf("%q has a group among its members (%q): groups nest one level only", m, sm)
		}
	}
	return nil
}

func validGroupName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
