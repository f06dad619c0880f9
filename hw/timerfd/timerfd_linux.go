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
	"os"
	"syscall"
	"time"
	"unsafe"
)

// Timer is one CLOCK_MONOTONIC timerfd. Wait is for one goroutine at a
// time; Set may run beside it, but not after Close.
type Timer struct {
	fd     int
	f      *os.File
	rc     syscall.RawConn
	count  uint64        // expirations read by the last Wait
	errno  syscall.Errno // of the last read
	readFn func(fd uintptr) bool
}

// New returns a disarmed timer.
func New() (*Timer, error) {
	const clockMonotonic = 1
	fd, _, e := syscall.RawSyscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if e != 0 {
		return nil, fmt.Errorf("timerfd_create: %w", e)
	}
	f := os.NewFile(fd, "timerfd") // non-blocking: pollable
	rc, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	t := &Timer{fd: int(fd), f: f, rc: rc}
	t.readFn = t.read // bound once: Wait allocates nothing
	return t, nil
}

// Set arms the timer to expire after value (rounded up to 1 ns), then
// every interval (0: once). A zero value disarms it.
func (t *Timer) Set(value, interval time.Duration) error {
	var spec struct{ interval, value syscall.Timespec }
	if value != 0 {
		spec.value = syscall.NsecToTimespec(max(value, 1).Nanoseconds())
		spec.interval = syscall.NsecToTimespec(interval.Nanoseconds())
	}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(t.fd), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); e != 0 {
		return fmt.Errorf("timerfd_settime: %w", e)
	}
	return nil
}

// read is one raw read(2) of the expiration count; false asks the poller
// to wait for the next expiration.
func (t *Timer) read(fd uintptr) bool {
	_, _, t.errno = syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&t.count)), 8)
	return t.errno != syscall.EAGAIN
}

// Wait blocks until the timer expires and returns the number of
// expirations since the previous Wait (>= 1). Close ends it with an error.
func (t *Timer) Wait() (uint64, error) {
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
