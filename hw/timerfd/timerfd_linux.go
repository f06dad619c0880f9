//go:build linux

// Package timerfd is a Linux timerfd read through the Go network poller
// with raw system calls. Compared with Go timers it saves most of a paced
// process's wake-ups: no Go timer is armed, so the runtime's sysmon thread
// does not wake at each expiry (it then polls for about a millisecond), and
// no read or settime goes through the scheduler's system call path, which
// would wake sysmon too. It paces the audio backends (hw/audio) and holds
// the timers of hw.KernelClock.
package timerfd

import (
	"fmt"
	"math"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Timer is one CLOCK_MONOTONIC timerfd. Wait is for one goroutine at a
// time; Set may run beside it, but not after Close.
type Timer struct {
	fd     int
	f      *os.File
	rc     syscall.RawConn
	count  uint64     // expirations read by the last Wait
	errno  unix.Errno // of the last read
	first  bool       // the next read call is a Wait's first
	reads  int        // read(2) calls made (tests)
	readFn func(fd uintptr) bool

	// A Wait does not read a timer that cannot have expired: that read
	// would only say EAGAIN. due is when the next expiry can be at the
	// earliest (time since base; the clock is read before the kernel's
	// own reading in timerfd_settime), math.MaxInt64 when disarmed.
	mu       sync.Mutex
	due      time.Duration
	interval time.Duration
}

// base is the origin of Timer.due: Go's monotonic clock is CLOCK_MONOTONIC.
var base = time.Now()

// New returns a disarmed timer.
func New() (*Timer, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("timerfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "timerfd") // non-blocking: pollable
	rc, err := f.SyscallConn()
	if err != nil {
		_ = f.Close() // the SyscallConn error is the one to report
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	t := &Timer{fd: fd, f: f, rc: rc, due: math.MaxInt64}
	t.readFn = t.read // bound once: Wait allocates nothing
	return t, nil
}

// Set arms the timer to expire after value (rounded up to 1 ns), then
// every interval (0: once). A zero value disarms it.
func (t *Timer) Set(value, interval time.Duration) error {
	var spec unix.ItimerSpec
	due := time.Duration(math.MaxInt64)
	if value != 0 {
		value = max(value, 1)
		spec.Value = unix.NsecToTimespec(value.Nanoseconds())
		spec.Interval = unix.NsecToTimespec(interval.Nanoseconds())
	}
	// Under the lock across the call: a Wait sees the old arming or the
	// new one (settime also clears the count of expirations), not a mix.
	t.mu.Lock()
	defer t.mu.Unlock()
	if value != 0 {
		due = time.Since(base) + value // just before the kernel reads its clock
	}
	if err := unix.TimerfdSettime(t.fd, 0, &spec, nil); err != nil { // x/sys: a raw system call
		return fmt.Errorf("timerfd_settime: %w", err)
	}
	t.due, t.interval = due, interval
	return nil
}

// read is one raw read(2) of the expiration count; false asks the poller
// to wait for the next expiration. A Wait's first call skips the read when
// the timer is not due yet (then nothing can be read; the poller has
// forgotten any earlier readiness before this call).
func (t *Timer) read(fd uintptr) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.first {
		t.first = false
		if time.Since(base) < t.due {
			return false
		}
	}
	t.reads++
	_, _, t.errno = unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&t.count)), 8)
	if t.errno == 0 {
		switch {
		case t.interval > 0:
			t.due += time.Duration(t.count) * t.interval
		default:
			t.due = math.MaxInt64 // a one-shot timer has expired
		}
	}
	return t.errno != unix.EAGAIN
}

// Wait blocks until the timer expires and returns the number of
// expirations since the previous Wait (>= 1). Close ends it with an error.
func (t *Timer) Wait() (uint64, error) {
	t.mu.Lock()
	t.first = true
	t.mu.Unlock()
	if err := t.rc.Read(t.readFn); err != nil {
		return 0, err
	}
	if t.errno != 0 {
		return 0, t.errno
	}
	return t.count, nil
}

// Close releases the timer; a Wait in progress returns an error.
func (t *Timer) Close() error { return t.f.Close() }
