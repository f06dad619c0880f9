package hwtest

import (
	"sync"
	"time"

	"github.com/skoip/skoip/hw"
)

// Clock is a fake hw.Clock: time stands still until Advance moves it.
// Timers due during an Advance fire in deadline order; AfterFunc functions
// run synchronously inside Advance, channel timers get a non-blocking send.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer
}

var _ hw.Clock = (*Clock)(nil)

// NewClock returns a Clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that sends on C() once the clock passes now+d.
func (c *Clock) NewTimer(d time.Duration) hw.Timer {
	t := &timer{c: c, ch: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// AfterFunc arranges for f to run inside the Advance that passes now+d.
func (c *Clock) AfterFunc(d time.Duration, f func()) hw.Timer {
	t := &timer{c: c, f: f}
	t.Reset(d)
	return t
}

// Advance moves the clock forward by d, firing due timers in order.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		t := c.nextDue(target)
		if t == nil {
			c.now = target
			c.mu.Unlock()
			return
		}
		c.now = t.when
		t.active = false
		now := c.now
		c.mu.Unlock()
		t.fire(now)
	}
}

// Pending returns how many timers are armed.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if t.active {
			n++
		}
	}
	return n
}

func (c *Clock) nextDue(target time.Time) *timer {
	var best *timer
	live := c.timers[:0]
	for _, t := range c.timers {
		if !t.active {
			t.listed = false
			continue
		}
		live = append(live, t)
		if !t.when.After(target) && (best == nil || t.when.Before(best.when)) {
			best = t
		}
	}
	c.timers = live
	return best
}

type timer struct {
	c      *Clock
	when   time.Time
	ch     chan time.Time
	f      func()
	active bool
	listed bool // in c.timers
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.active
	t.active = false
	return was
}

func (t *timer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.active
	t.when = t.c.now.Add(d)
	t.active = true
	if !t.listed {
		t.listed = true
		t.c.timers = append(t.c.timers, t)
	}
	return was
}

func (t *timer) fire(now time.Time) {
	if t.f != nil {
		t.f()
		return
	}
	select {
	case t.ch <- now:
	default:
	}
}
