package hw

import (
	"fmt"
	"sync"
	"time"

	"github.com/skoip/skoip/hw/timerfd"
)

// KernelClock is the system clock with its timers kept on one Linux timerfd
// (hw/timerfd) that a goroutine reads through the Go network poller. Every expiry of a Go
// timer also wakes the runtime's sysmon thread, which then polls for about a
// millisecond: the LED patterns and the buttons' level checks were a third
// of a call's context switches that way (make bench). On the timerfd only
// the goroutine that serves it wakes. AfterFunc (door pulses, debounce:
// rare) stays on Go timers.
type KernelClock struct {
	tfd  *timerfd.Timer
	done chan struct{}

	mu     sync.Mutex
	timers []*kernelTimer // armed
	armed  time.Time      // deadline the timerfd is set to; zero: disarmed
	closed bool
}

// NewKernelClock starts the clock's goroutine; Close stops it. It fails
// where there is no timerfd (not Linux): use SystemClock there.
func NewKernelClock() (*KernelClock, error) {
	t, err := timerfd.New()
	if err != nil {
		return nil, fmt.Errorf("hw.NewKernelClock: %w", err)
	}
	k := &KernelClock{tfd: t, done: make(chan struct{})}
	go k.run()
	return k, nil
}

func (k *KernelClock) Now() time.Time { return time.Now() }

func (k *KernelClock) AfterFunc(d time.Duration, f func()) Timer {
	return sysTimer{time.AfterFunc(d, f)}
}

// NewTimer returns a timer on the timerfd. As with time.Timer since Go
// 1.23, no value sent before Stop or Reset is received after it.
func (k *KernelClock) NewTimer(d time.Duration) Timer {
	t := &kernelTimer{k: k, c: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// Close stops the clock; its timers no longer fire.
func (k *KernelClock) Close() error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return nil
	}
	k.closed = true
	k.mu.Unlock()
	err := k.tfd.Close() // wakes run's Wait
	<-k.done
	return err
}

func (k *KernelClock) run() {
	defer close(k.done)
	for {
		if _, err := k.tfd.Wait(); err != nil {
			return // closed (or, impossibly, a failed read: do not spin)
		}
		k.fire(time.Now())
	}
}

// fire delivers every timer due at now and sets the timerfd to the next.
func (k *KernelClock) fire(now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	keep := k.timers[:0]
	for _, t := range k.timers {
		if t.when.After(now) {
			keep = append(keep, t)
			continue
		}
		t.armed = false
		select {
		case t.c <- now:
		default:
		}
	}
	clear(k.timers[len(keep):])
	k.timers = keep
	k.armed = time.Time{} // a one-shot timerfd is disarmed once it expired
	k.rearmLocked(now)
}

// rearmLocked sets the timerfd to the earliest armed deadline.
func (k *KernelClock) rearmLocked(now time.Time) {
	if k.closed {
		return
	}
	var next time.Time
	for _, t := range k.timers {
		if next.IsZero() || t.when.Before(next) {
			next = t.when
		}
	}
	if next.Equal(k.armed) {
		return
	}
	k.armed = next
	var d time.Duration // zero disarms
	if !next.IsZero() {
		d = max(next.Sub(now), 1)
	}
	if err := k.tfd.Set(d, 0); err != nil {
		panic(fmt.Sprintf("hw: %v on an open timerfd", err)) // EINVAL: a bug here
	}
}

func (k *KernelClock) removeLocked(t *kernelTimer) {
	for i, x := range k.timers {
		if x == t {
			n := len(k.timers) - 1
			copy(k.timers[i:], k.timers[i+1:])
			k.timers[n] = nil
			k.timers = k.timers[:n]
			break
		}
	}
	t.armed = false
	select { // a value sent before Stop or Reset is not received after it
	case <-t.c:
	default:
	}
}

type kernelTimer struct {
	k     *KernelClock
	c     chan time.Time
	when  time.Time
	armed bool // guarded by k.mu
}

func (t *kernelTimer) C() <-chan time.Time { return t.c }

func (t *kernelTimer) Stop() bool {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	was := t.armed
	k.removeLocked(t)
	if was {
		k.rearmLocked(time.Now())
	}
	return was
}

func (t *kernelTimer) Reset(d time.Duration) bool {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	was := t.armed
	k.removeLocked(t)
	now := time.Now()
	t.when, t.armed = now.Add(d), true
	k.timers = append(k.timers, t)
	k.rearmLocked(now)
	return was
}
