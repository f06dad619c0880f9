//go:build linux

package kpcm

import (
	"errors"
	"fmt"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Errors of a stream. Read and Write wrap the system call's error in them.
var (
	// ErrXrun: the ring buffer ran empty (playback) or full (capture); the
	// stream stopped and Recover restarts it.
	ErrXrun = errors.New("kpcm: xrun")
	// ErrSuspended: the card was suspended (power management); Recover
	// resumes or restarts it.
	ErrSuspended = errors.New("kpcm: suspended")
	// ErrGone: the device was removed (a USB card unplugged) or its driver
	// unbound; the stream cannot be recovered and must be closed.
	ErrGone = errors.New("kpcm: device gone")
	// ErrBusy: another program has the device open.
	ErrBusy = errors.New("kpcm: device busy")
)

// PCM is one open direction of a kernel PCM device (/dev/snd/pcmC*D*p or
// c), set up for interleaved read/write transfers, non-blocking.
type PCM struct {
	fd      int
	path    string
	capture bool
	params  Params
}

// Open opens the PCM device node at path (playback or capture, which must
// match the node's p or c suffix), negotiates want (Params says what was
// granted), and prepares it. The stream starts with Start.
func Open(path string, capture bool, want Want) (*PCM, error) {
	if want.Rate <= 0 || want.Channels <= 0 || want.Period <= 0 {
		return nil, fmt.Errorf("kpcm.Open %s: want %+v: rate, channels and period must be positive", path, want)
	}
	fd, err := openNode(path)
	if err != nil {
		return nil, err
	}
	p := &PCM{fd: fd, path: path, capture: capture}
	if err := p.setup(want); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("kpcm.Open %s: %w", path, err)
	}
	return p, nil
}

func openNode(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EBUSY || err == unix.EAGAIN:
			return -1, fmt.Errorf("kpcm.Open %s: %w (%v)", path, ErrBusy, err)
		case err == unix.ENODEV || err == unix.ENXIO:
			return -1, fmt.Errorf("kpcm.Open %s: %w (%v)", path, ErrGone, err)
		case err != nil:
			return -1, &os.PathError{Op: "kpcm.Open", Path: path, Err: err}
		}
		return fd, nil
	}
}

func (p *PCM) setup(want Want) error {
	var version int32
	if err := ioctlPtr(p.fd, ioctlPVersion, unsafe.Pointer(&version)); err != nil {
		return fmt.Errorf("not an ALSA PCM device (PVERSION: %w)", err)
	}
	if version>>16 != 2 {
		return fmt.Errorf("ALSA PCM protocol %d.%d.%d: want 2.x", version>>16, version>>8&0xff, version&0xff)
	}
	hw, err := negotiate(kernelRefiner(p.fd), want)
	if err != nil {
		return err
	}
	if err := ioctlPtr(p.fd, ioctlHWParams, unsafe.Pointer(&hw)); err != nil {
		return fmt.Errorf("HW_PARAMS: %w", err)
	}
	if p.params, err = chosen(&hw); err != nil {
		return err
	}
	buf := uint(p.params.Buffer)
	sw := swParams{
		PeriodStep:     1,
		AvailMin:       uint(p.params.Period),
		StartThreshold: boundary(buf), // never by itself: Start
		StopThreshold:  buf,           // stop on an xrun, reported as EPIPE
		Boundary:       boundary(buf),
		Proto:          2<<16 | 15,
	}
	if err := ioctlPtr(p.fd, ioctlSWParams, unsafe.Pointer(&sw)); err != nil {
		return fmt.Errorf("SW_PARAMS: %w", err)
	}
	return p.Prepare()
}

// Params is the configuration the device granted.
func (p *PCM) Params() Params { return p.params }

// Path is the device node.
func (p *PCM) Path() string { return p.path }

// Fd is the file descriptor, for poll(2): readable (capture) or writable
// (playback) when a period can be transferred; POLLERR on an xrun or a
// removed device.
func (p *PCM) Fd() int { return p.fd }

// Prepare makes the stream ready to start (after an xrun too).
func (p *PCM) Prepare() error { return p.wrap("PREPARE", ioctlNone(p.fd, ioctlPrepare)) }

// Start starts the transfer: playback plays what was written, capture
// begins to fill the ring buffer.
func (p *PCM) Start() error { return p.wrap("START", ioctlNone(p.fd, ioctlStart)) }

// Drop stops the stream at once, discarding what is buffered.
func (p *PCM) Drop() error { return p.wrap("DROP", ioctlNone(p.fd, ioctlDrop)) }

// Delay is the number of frames between the application and the DAC or
// ADC: queued for playback, or captured and not yet read.
func (p *PCM) Delay() (int, error) {
	var d int
	err := ioctlPtr(p.fd, ioctlDelay, unsafe.Pointer(&d))
	return d, p.wrap("DELAY", err)
}

// Read reads whole frames of captured audio into b without blocking; it
// returns the frames read (0 when none are there yet).
func (p *PCM) Read(b []byte) (int, error) { return p.xfer("read", b, unix.Read) }

// Write writes whole frames from b without blocking and returns the frames
// the ring buffer took (maybe fewer than offered, or 0 when it is full).
func (p *PCM) Write(b []byte) (int, error) { return p.xfer("write", b, unix.Write) }

// xfer moves the whole frames of b with sys (read or write), retried on
// EINTR; EAGAIN is 0 frames.
func (p *PCM) xfer(op string, b []byte, sys func(int, []byte) (int, error)) (int, error) {
	fb := p.params.FrameBytes()
	b = b[:len(b)/fb*fb]
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, err := sys(p.fd, b)
		switch err {
		case nil:
			return n / fb, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, nil
		}
		return 0, p.wrap(op, err)
	}
}

// Recover restarts the stream after ErrXrun (Prepare) or ErrSuspended
// (RESUME, else Prepare). The stream is left prepared: Start it again
// (after writing the first periods, for playback). Other errors are
// returned as they are.
func (p *PCM) Recover(err error) error {
	switch {
	case errors.Is(err, ErrXrun):
		return p.Prepare()
	case errors.Is(err, ErrSuspended):
		for range 50 {
			e := ioctlNone(p.fd, ioctlResume)
			if e == unix.EAGAIN {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if e == nil {
				return nil
			}
			break
		}
		return p.Prepare()
	}
	return err
}

// Close stops the stream and closes the device.
func (p *PCM) Close() error {
	if p.fd < 0 {
		return nil
	}
	_ = ioctlNone(p.fd, ioctlDrop)
	_ = ioctlNone(p.fd, ioctlHWFree)
	err := unix.Close(p.fd)
	p.fd = -1
	return err
}

// wrap maps the kernel's errors to the package's: EPIPE is an xrun,
// ESTRPIPE a suspend, ENODEV (and EBADFD, EIO after a disconnect) a gone
// device.
func (p *PCM) wrap(op string, err error) error {
	switch err {
	case nil:
		return nil
	case unix.EPIPE:
		return fmt.Errorf("kpcm %s %s: %w", op, p.path, ErrXrun)
	case unix.ESTRPIPE:
		return fmt.Errorf("kpcm %s %s: %w", op, p.path, ErrSuspended)
	case unix.ENODEV, unix.EBADFD, unix.EIO, unix.ENXIO:
		return fmt.Errorf("kpcm %s %s: %w (%v)", op, p.path, ErrGone, err)
	}
	return fmt.Errorf("kpcm %s %s: %w", op, p.path, err)
}
