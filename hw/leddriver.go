package hw

import (
	"log/slog"
	"time"
)

// ledDriver is the state of the LEDSet's goroutine; only that goroutine
// touches it.
type ledDriver struct {
	clk  Clock
	log  *slog.Logger
	leds map[string]*ledState
}

func (d *ledDriver) run(cmds <-chan ledCmd, quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer d.release()
	for _, l := range d.leds {
		d.write(l, false)
	}
	timer := d.clk.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		d.arm(timer)
		select {
		case c := <-cmds:
			d.apply(d.leds[c.name], c.p)
		case <-timer.C():
			d.advance()
		case <-quit:
			return
		}
	}
}

// arm sets timer to the earliest pending change, or an hour when none is.
func (d *ledDriver) arm(timer Timer) {
	var next time.Time
	for _, l := range d.leds {
		if !l.next.IsZero() && (next.IsZero() || l.next.Before(next)) {
			next = l.next
		}
	}
	wait := time.Hour
	if !next.IsZero() {
		wait = max(next.Sub(d.clk.Now()), 0)
	}
	if !timer.Stop() {
		select {
		case <-timer.C():
		default:
		}
	}
	timer.Reset(wait)
}

func (d *ledDriver) apply(l *ledState, p Pattern) {
	if l == nil || (l.pattern == p && p != Off && p != On) {
		return // re-setting a blinking pattern does not restart it
	}
	l.pattern, l.steps, l.step, l.next = p, p.Steps(), 0, time.Time{}
	if len(l.steps) > 0 {
		l.next = d.clk.Now().Add(l.steps[0])
	}
	d.write(l, p != Off)
}

func (d *ledDriver) advance() {
	now := d.clk.Now()
	for _, l := range d.leds {
		for !l.next.IsZero() && !l.next.After(now) {
			l.step = (l.step + 1) % len(l.steps)
			l.next = l.next.Add(l.steps[l.step])
			d.write(l, l.step%2 == 0)
		}
	}
}

func (d *ledDriver) write(l *ledState, on bool) {
	l.on = on
	err := l.out.Set(on)
	switch {
	case err != nil && !l.failing:
		d.log.Warn("led write failed", "name", l.name, "err", err)
	case err == nil && l.failing:
		d.log.Info("led write works again", "name", l.name)
	}
	l.failing = err != nil
}

func (d *ledDriver) release() {
	for _, l := range d.leds {
		d.write(l, false)
		if err := l.out.Close(); err != nil {
			d.log.Warn("led close", "name", l.name, "err", err)
		}
	}
}
