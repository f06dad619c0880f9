package hw

import (
	"sync"
	"time"
)

// Debouncer turns raw levels of one button into Press, Release and
// LongPress events. A level counts once it has been stable for the debounce
// time, so a bouncing contact yields exactly one Press. It is safe for
// concurrent use; emit is called with the Debouncer's lock held and must not
// block or call back into it.
type Debouncer struct {
	mu       sync.Mutex
	name     string
	clk      Clock
	debounce time.Duration
	long     time.Duration
	emit     func(ButtonEvent)

	raw, stable bool
	settle      Timer
	longTimer   Timer
	gen         uint64 // invalidates settle timers that fired late
	pressGen    uint64 // invalidates long-press timers
	stopped     bool
}

// NewDebouncer returns a Debouncer for the button name whose current level
// is initial (a button held down at start is not a press).
func NewDebouncer(name string, debounce, longPress time.Duration, initial bool, clk Clock, emit func(ButtonEvent)) *Debouncer {
	return &Debouncer{name: name, clk: clk, debounce: debounce, long: longPress,
		emit: emit, raw: initial, stable: initial}
}

// Input feeds one raw level (true = pressed).
func (d *Debouncer) Input(active bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped || active == d.raw {
		return
	}
	d.raw = active
	d.gen++
	if d.settle != nil {
		d.settle.Stop()
		d.settle = nil
	}
	if d.debounce <= 0 {
		d.settleLocked()
		return
	}
	gen := d.gen
	d.settle = d.clk.AfterFunc(d.debounce, func() { d.onSettle(gen) })
}

func (d *Debouncer) onSettle(gen uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped || gen != d.gen {
		return
	}
	d.settle = nil
	d.settleLocked()
}

func (d *Debouncer) settleLocked() {
	if d.raw == d.stable {
		return
	}
	d.stable = d.raw
	d.pressGen++
	if d.longTimer != nil {
		d.longTimer.Stop()
		d.longTimer = nil
	}
	if !d.stable {
		d.emit(ButtonEvent{Button: d.name, Kind: Release, Time: d.clk.Now()})
		return
	}
	d.emit(ButtonEvent{Button: d.name, Kind: Press, Time: d.clk.Now()})
	if d.long > 0 {
		pg := d.pressGen
		d.longTimer = d.clk.AfterFunc(d.long, func() { d.onLong(pg) })
	}
}

func (d *Debouncer) onLong(pg uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped || pg != d.pressGen || !d.stable {
		return
	}
	d.longTimer = nil
	d.emit(ButtonEvent{Button: d.name, Kind: LongPress, Time: d.clk.Now()})
}

// Pressed reports the debounced level.
func (d *Debouncer) Pressed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stable
}

// Stop cancels pending timers; after it returns emit is never called again.
func (d *Debouncer) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	for _, t := range []Timer{d.settle, d.longTimer} {
		if t != nil {
			t.Stop()
		}
	}
}
