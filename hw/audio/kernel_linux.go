//go:build linux

package audio

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/skoip/skoip/hw/audio/kpcm"
	"github.com/skoip/skoip/media/dsp"
	"golang.org/x/sys/unix"
)

// kernelPrefill is the playback kept queued ahead of the capture, in
// periods, at first: the output latency of a duplex stream on one card.
// Each playback underrun (the loop woke too late for the queue) adds a
// period, up to kernelMaxPrefill, as a jitter buffer grows its delay.
// After kernelShrinkAfter periods without an underrun, periods of digital
// silence are not queued until the queue (the kernel's DELAY) is back to
// kernelPrefill periods and one: an idle unit gives back the latency that
// stalls cost it, inaudibly.
const (
	kernelPrefill     = 2
	kernelMaxPrefill  = 6
	kernelShrinkAfter = 200
)

// kernelCapturePeriods is the capture ring buffer, in periods.
const kernelCapturePeriods = 16

// kernelStream is a stream on the kernel's PCM devices through kpcm: one
// goroutine waits for a period of capture (or, without capture, for room
// in the playback buffer), converts it to mono at the configured rate,
// calls data and writes what data played.
type kernelStream struct {
	capt, play *kpcm.PCM
	wake       int // eventfd: Close wakes the loop
	frames     int // samples per period at the configured rate
	devFrames  int // frames per period at the playback device's rate

	capRS, playRS *dsp.Resampler
	raw           []byte  // capture frames as read
	mono          []int16 // capture converted to mono, device rate
	fifo          []int16 // capture at the configured rate, not yet delivered
	out           []int16 // what data played, configured rate
	outRS         []int16 // the same at the playback device's rate
	outRaw        []byte  // in the playback device's format
	silence       []byte  // one playback period of silence, device format
	prefillN      int     // periods queued at a (re)start of playback
	sinceUnder    int     // periods written since the last underrun
	playing       bool    // playback started
	shrinking     bool    // underruns lengthened the queue: give it back in silence

	under, over atomic.Uint64
	closeOnce   sync.Once
	done        chan struct{}
}

// openKernel returns the openFunc of the "alsa" backend without libasound:
// the devices are ALSA names resolved to /dev/snd nodes.
func openKernel(cfg Config) openFunc {
	return func(data func(in, out []int16), stopped func()) (stream, error) {
		return newKernelStream(cfg, kpcm.Root("/"), data, stopped)
	}
}

func newKernelStream(cfg Config, root kpcm.Root, data func(in, out []int16), stopped func()) (_ *kernelStream, err error) {
	s := &kernelStream{frames: cfg.frames(), wake: -1, done: make(chan struct{}), prefillN: kernelPrefill}
	defer func() {
		if err != nil {
			s.release()
		}
	}()
	want := kpcm.Want{Rate: cfg.SampleRate, Channels: 1, Period: s.frames, Periods: 4}
	if cfg.Capture != "none" {
		// A long capture buffer costs no latency (a period is read as soon
		// as it is there) and rides out a late wake-up of the loop.
		capWant := want
		capWant.Periods = kernelCapturePeriods
		if s.capt, err = openKernelPCM(root, cfg.Capture, true, capWant); err != nil {
			return nil, err
		}
		p := s.capt.Params()
		if s.capRS, err = dsp.NewResampler(p.Rate, cfg.SampleRate); err != nil {
			return nil, fmt.Errorf("audio: capture %q at %d Hz: %w", cfg.Capture, p.Rate, err)
		}
		s.raw = make([]byte, p.Buffer*p.FrameBytes())
		s.mono = make([]int16, 0, p.Buffer)
		s.fifo = make([]int16, 0, s.frames+s.capRS.MaxOut(p.Buffer))
	}
	if cfg.Playback != "none" {
		// Room for the longest queue and two periods more.
		playWant := want
		playWant.Periods = kernelMaxPrefill + 2
		if s.play, err = openKernelPCM(root, cfg.Playback, false, playWant); err != nil {
			return nil, err
		}
		p := s.play.Params()
		if s.playRS, err = dsp.NewResampler(cfg.SampleRate, p.Rate); err != nil {
			return nil, fmt.Errorf("audio: playback %q at %d Hz: %w", cfg.Playback, p.Rate, err)
		}
		s.devFrames = int(int64(s.frames) * int64(p.Rate) / int64(cfg.SampleRate))
		s.out = make([]int16, s.frames)
		s.outRS = make([]int16, 0, s.playRS.MaxOut(s.frames))
		s.outRaw = make([]byte, 0, s.playRS.MaxOut(s.frames)*p.FrameBytes())
		s.silence = make([]byte, s.devFrames*p.FrameBytes()) // zero is silence in every format kpcm uses
	}
	if s.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return nil, fmt.Errorf("audio: eventfd: %w", err)
	}
	if err := s.start(); err != nil {
		return nil, err
	}
	go s.run(data, stopped)
	return s, nil
}

func openKernelPCM(root kpcm.Root, name string, capture bool, want kpcm.Want) (*kpcm.PCM, error) {
	kind := "playback"
	if capture {
		kind = "capture"
	}
	path, err := root.Resolve(name, capture)
	if err != nil {
		return nil, fmt.Errorf("audio: %s device: %w", kind, err)
	}
	p, err := kpcm.Open(path, capture, want)
	if err != nil {
		return nil, fmt.Errorf("audio: %s device %q: %w", kind, name, err)
	}
	return p, nil
}

// start starts the capture.
// Playback starts with the first period played (write), so that the queue
// is not drained while the first capture period comes in.
func (s *kernelStream) start() error {
	if s.capt != nil {
		if err := s.capt.Start(); err != nil {
			return err
		}
	}
	return nil
}

// prefill queues prefillN periods of silence, then then (if any), and
// starts playback.
func (s *kernelStream) prefill(then ...[]byte) error {
	for range s.prefillN {
		if _, err := s.play.Write(s.silence); err != nil {
			return err
		}
	}
	for _, b := range then {
		if _, err := s.play.Write(b); err != nil {
			return err
		}
	}
	return s.play.Start()
}

// Xruns are the xruns: playback ran empty (under); capture overflowed or
// playback had no room for a period (over: audio lost).
func (s *kernelStream) Xruns() (under, over uint64) { return s.under.Load(), s.over.Load() }

func (s *kernelStream) run(data func(in, out []int16), stopped func()) {
	defer close(s.done)
	if err := s.loop(data); err != nil {
		stopped()
	}
}

// loop runs until Close (nil) or a failure the stream cannot recover from.
func (s *kernelStream) loop(data func(in, out []int16)) error {
	fds := []unix.PollFd{{Fd: int32(s.wake), Events: unix.POLLIN}, {Events: unix.POLLIN}}
	if s.capt != nil {
		fds[1].Fd = int32(s.capt.Fd())
	} else {
		fds[1].Fd, fds[1].Events = int32(s.play.Fd()), unix.POLLOUT
	}
	// a period that does not come in a second is a stall: the resilient
	// device's watchdog decides; the loop only keeps waiting.
	for {
		fds[0].Revents, fds[1].Revents = 0, 0
		n, err := unix.Poll(fds, 1000)
		if err == unix.EINTR || n == 0 {
			continue
		}
		if err != nil {
			return fmt.Errorf("audio: poll: %w", err)
		}
		if fds[0].Revents != 0 {
			return nil // Close
		}
		if s.capt == nil {
			clear(s.out)
			data(nil, s.out)
			if err := s.write(); err != nil {
				return err
			}
			continue
		}
		if err := s.capture(data); err != nil {
			return err
		}
	}
}

// capture reads what the capture buffer holds and delivers it period by
// period.
func (s *kernelStream) capture(data func(in, out []int16)) error {
	n, err := s.capt.Read(s.raw)
	if errors.Is(err, kpcm.ErrXrun) || errors.Is(err, kpcm.ErrSuspended) {
		s.over.Add(1)
		if err := s.capt.Recover(err); err != nil {
			return err
		}
		return s.capt.Start()
	}
	if err != nil {
		return err
	}
	p := s.capt.Params()
	s.mono = kpcm.ToMono(s.mono[:0], s.raw[:n*p.FrameBytes()], p.Format, p.Channels)
	s.fifo = s.capRS.Process(s.fifo, s.mono)
	for len(s.fifo) >= s.frames {
		in := s.fifo[:s.frames]
		if s.play == nil {
			data(in, nil)
		} else {
			clear(s.out)
			data(in, s.out)
			if err := s.write(); err != nil {
				return err
			}
		}
		s.fifo = s.fifo[:copy(s.fifo, s.fifo[s.frames:])]
	}
	return nil
}

// write plays s.out. A full ring buffer (a burst of capture after a stall,
// or a capture card whose clock runs faster than the playback card's)
// drops what does not fit, counted as an overrun; an underrun queues the
// prefill again.
func (s *kernelStream) write() error {
	if s.sinceUnder++; s.shrinking && s.sinceUnder > kernelShrinkAfter && allZero(s.out) {
		// Give back what the underruns added, a silent period at a time,
		// down to what was queued at the start (the prefill and a period).
		s.prefillN = max(s.prefillN-1, kernelPrefill)
		if d, err := s.play.Delay(); err == nil && d > (s.prefillN+1)*s.devFrames {
			return nil // not queued: the queue is a period shorter
		}
		s.shrinking = s.prefillN > kernelPrefill
	}
	p := s.play.Params()
	s.outRS = s.playRS.Process(s.outRS[:0], s.out)
	s.outRaw = kpcm.FromMono(s.outRaw[:0], s.outRS, p.Format, p.Channels)
	if !s.playing {
		s.playing = true
		return s.prefill(s.outRaw)
	}
	n, err := s.play.Write(s.outRaw)
	if err == nil && n*p.FrameBytes() < len(s.outRaw) {
		s.over.Add(1) // no room: a burst after a stall, or a faster capture clock; the rest is lost
	}
	if errors.Is(err, kpcm.ErrXrun) || errors.Is(err, kpcm.ErrSuspended) {
		s.under.Add(1)
		s.prefillN, s.sinceUnder, s.shrinking = min(s.prefillN+1, kernelMaxPrefill), 0, true
		if err := s.play.Recover(err); err != nil {
			return err
		}
		return s.prefill(s.outRaw)
	}
	return err
}

func allZero(s []int16) bool {
	for _, v := range s {
		if v != 0 {
			return false
		}
	}
	return true
}

// Close stops the loop and closes the devices; no callback runs after it.
func (s *kernelStream) Close() error {
	s.closeOnce.Do(func() {
		one := [8]byte{1}
		if s.wake >= 0 {
			_, _ = unix.Write(s.wake, one[:])
			<-s.done
		}
		s.release()
	})
	return nil
}

func (s *kernelStream) release() {
	if s.capt != nil {
		_ = s.capt.Close()
	}
	if s.play != nil {
		_ = s.play.Close()
	}
	if s.wake >= 0 {
		_ = unix.Close(s.wake)
		s.wake = -1
	}
}
