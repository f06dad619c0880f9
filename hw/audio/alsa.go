//go:build cgo

package audio

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// alsaStream is one malgo device on the ALSA backend, started.
type alsaStream struct {
	ctx *malgo.AllocatedContext
	dev *malgo.Device
	ids []unsafe.Pointer // C copies of device IDs, freed on Close
}

// openALSA returns the openFunc of the "alsa" backend for cfg: S16 mono at
// cfg.SampleRate, one callback per period, duplex when both directions are
// wanted.
func openALSA(cfg Config) openFunc {
	return func(data func(in, out []int16), stopped func()) (stream, error) {
		s := &alsaStream{}
		ctx, err := malgo.InitContext([]malgo.Backend{malgo.BackendAlsa}, malgo.ContextConfig{}, nil)
		if err != nil {
			return nil, fmt.Errorf("audio: malgo.InitContext(alsa): %w", err)
		}
		s.ctx = ctx
		dc := s.deviceConfig(cfg)
		cb := malgo.DeviceCallbacks{Data: pcmCallback(data), Stop: stopped}
		dev, err := malgo.InitDevice(ctx.Context, dc, cb)
		if err != nil {
			s.release()
			return nil, fmt.Errorf("audio: open ALSA capture %q playback %q at %d Hz: %w", cfg.Capture, cfg.Playback, cfg.SampleRate, err)
		}
		s.dev = dev
		if err := dev.Start(); err != nil {
			s.release()
			return nil, fmt.Errorf("audio: start ALSA device: %w", err)
		}
		return s, nil
	}
}

func (s *alsaStream) deviceConfig(cfg Config) malgo.DeviceConfig {
	capture, playback := cfg.Capture != "none", cfg.Playback != "none"
	kind := malgo.Duplex
	switch {
	case !playback:
		kind = malgo.Capture
	case !capture:
		kind = malgo.Playback
	}
	dc := malgo.DefaultDeviceConfig(kind)
	dc.SampleRate = uint32(cfg.SampleRate)
	dc.PeriodSizeInFrames = uint32(cfg.frames())
	dc.Periods = 4
	dc.PerformanceProfile = malgo.LowLatency
	dc.Capture.Format, dc.Capture.Channels = malgo.FormatS16, 1
	dc.Playback.Format, dc.Playback.Channels = malgo.FormatS16, 1
	dc.Capture.DeviceID = s.deviceID(cfg.Capture)
	dc.Playback.DeviceID = s.deviceID(cfg.Playback)
	return dc
}

// deviceID returns nil (the default device) for "", "default" and "none",
// else a C copy of the ALSA PCM name as a miniaudio device ID.
func (s *alsaStream) deviceID(name string) unsafe.Pointer {
	if name == "" || name == "default" || name == "none" {
		return nil
	}
	var id malgo.DeviceID
	copy(id[:len(id)-1], name)
	p := id.Pointer() // C.CBytes: ours to free
	s.ids = append(s.ids, p)
	return p
}

// pcmCallback adapts malgo's byte buffers to int16 samples without copying.
func pcmCallback(data func(in, out []int16)) malgo.DataProc {
	return func(out, in []byte, _ uint32) {
		data(samples(in), samples(out))
	}
}

func samples(b []byte) []int16 {
	if len(b) < 2 {
		return nil
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2)
}

func (s *alsaStream) Close() error {
	s.release()
	return nil
}

// release uninitialises the device (no callback runs after it) and the
// context, and frees the IDs.
func (s *alsaStream) release() {
	if s.dev != nil {
		s.dev.Uninit()
		s.dev = nil
	}
	if s.ctx != nil {
		_ = s.ctx.Uninit() // ma_context_uninit fails only for a nil context
		s.ctx.Free()
		s.ctx = nil
	}
	for _, p := range s.ids {
		C.free(p)
	}
	s.ids = nil
}
