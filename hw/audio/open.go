package audio

import (
	"fmt"
	"log/slog"
)

// Open opens the device cfg describes. The "alsa" backend fails here if the
// device cannot be opened now; once open, it survives the device's loss.
func Open(cfg Config, log *slog.Logger) (Device, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("audio.Open: %w", err)
	}
	cfg = cfg.withDefaults()
	log = log.With("component", "audio", "backend", cfg.Backend)
	var (
		d   Device
		err error
	)
	switch cfg.Backend {
	case BackendNull:
		d = newNull(cfg)
	case BackendLoopback:
		d = newLoopback(cfg)
	case BackendFile:
		d, err = newFile(cfg, log)
	case BackendALSA:
		d, err = newResilient(cfg, openALSA(cfg), log)
	case BackendALSAKernel:
		d, err = newResilient(cfg, openKernel(cfg), log)
	case BackendRoom:
		d, err = newRoom(cfg, log)
	}
	if err != nil {
		return nil, fmt.Errorf("audio.Open: %w", err)
	}
	log.Info("audio device open", "capture", cfg.Capture, "playback", cfg.Playback,
		"rate", cfg.SampleRate, "period", cfg.Period)
	return d, nil
}

// OpenOrFallback is Open, except that an "alsa" or "alsa-kernel" device that cannot be
// opened (no sound card) is replaced by the "null" backend with a warning.
func OpenOrFallback(cfg Config, log *slog.Logger) (Device, error) {
	d, err := Open(cfg, log)
	if err == nil || (cfg.Backend != BackendALSA && cfg.Backend != BackendALSAKernel) || cfg.Validate() != nil {
		return d, err
	}
	log.Warn("no usable sound card; using the null audio backend (silence)", "err", err)
	cfg.Backend = BackendNull
	return Open(cfg, log)
}
