//go:build linux

package audio

import (
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// timerFD paces a device with a periodic Linux timerfd read through the Go
// network poller. Compared with a time.Timer it saves most of the process's
// wake-ups: the runtime arms no Go timer, so its sysmon thread does not wake
// for every period, and the read is a raw system call, so it does not kick
// sysmon out of its deep sleep either. Measured with the loopback backend
// at 8 kHz and 10 ms periods: 1 context switch per period instead of 4 to 6.
type timerFD struct {
	f      *os.File
	rc     syscall.RawConn
	count  uint64        // expirations read by the last wait
	errno  syscall.Errno // of the last read
	readFn func(fd uintptr) bool
}

// itimerspec is struct itimerspec of timerfd_settime(2).
type itimerspec struct {
	interval, value syscall.Timespec
}

// newTimerFD starts a CLOCK_MONOTONIC timerfd firing every period.
func newTimerFD(period time.Duration) (*timerFD, error) {
	const clockMonotonic = 1
	fd, _, e := syscall.RawSyscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if e != 0 {
		return nil, fmt.Errorf("timerfd_create: %w", e)
	}
	ts := syscall.NsecToTimespec(period.Nanoseconds())
	spec := itimerspec{interval: ts, value: ts}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); e != 0 {
		_ = syscall.Close(int(fd))
		return nil, fmt.Errorf("timerfd_settime: %w", e)
	}
	f := os.NewFile(fd, "timerfd") // non-blocking: pollable
	rc, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	t := &timerFD{f: f, rc: rc}
	t.readFn = t.read // bound once: wait allocates nothing
	return t, nil
}

// read is one raw read(2) of the expiration count; false asks the poller
// to wait for the next expiration.
func (t *timerFD) read(fd uintptr) bool {
	_, _, t.errno = syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&t.count)), 8)
	return t.errno != syscall.EAGAIN
}

// wait blocks until the timer expires and returns the number of periods
// elapsed since the previous wait (>= 1).
func (t *timerFD) wait() (uint64, error) {
	if err := t.rc.Read(t.readFn); err != nil {
		return 0, err
	}
	if t.errno != 0 {
		return 0, t.errno
	}
	return t.count, nil
}

// close releases the timer; a wait in progress returns an error.
func (t *timerFD) close() error { return t.f.Close() }
