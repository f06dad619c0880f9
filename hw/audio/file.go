package audio

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall"

	"github.com/skoip/skoip/media/wav"
)

// newFile returns the "file" device: capture from the WAV file
// cfg.Capture, looped; playback appended to the WAV file cfg.Playback,
// whose header is fixed up on every Stop and on Close.
func newFile(cfg Config, log *slog.Logger) (*paced, error) {
	p := newPaced(cfg)
	if cfg.Capture != "" {
		src, err := loopedSource(cfg.Capture, cfg.SampleRate)
		if err != nil {
			return nil, err
		}
		p.source = src
	}
	if cfg.Playback != "" {
		w, err := newWAVWriter(cfg.Playback, cfg.SampleRate, len(p.out), log)
		if err != nil {
			return nil, err
		}
		p.sink, p.flush, p.final = w.write, w.fixup, w.close
	}
	return p, nil
}

func loopedSource(path string, rate int) (func(in []int16), error) {
	samples, err := LoadCapture(path, rate)
	if err != nil {
		return nil, err
	}
	pos := 0
	return func(in []int16) {
		for n := 0; n < len(in); {
			c := copy(in[n:], samples[pos:])
			n += c
			pos = (pos + c) % len(samples)
		}
	}, nil
}

// LoadCapture decodes the file backend's capture file for a device at rate
// Hz: through media/wav, the decoder of the prompts and of check-config,
// within wav.CaptureBudget (5 minutes; 28.8 MB at 48 kHz), mixed down to
// mono and resampled to rate when the file has another.
func LoadCapture(path string, rate int) ([]int16, error) {
	f, _, err := wav.CaptureBudget().Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: capture file: %w", ErrWAV, err)
	}
	defer f.Close()
	s, err := f.ReadAll(rate)
	if err != nil {
		return nil, fmt.Errorf("%w: capture file: %w", ErrWAV, err)
	}
	return s, nil
}

// wavWriter appends samples to a WAV file as they are played.
type wavWriter struct {
	f     *os.File
	w     *bufio.Writer
	rate  int
	bytes uint32
	buf   []byte
	err   error
	log   *slog.Logger
}

func newWAVWriter(path string, rate, frames int, log *slog.Logger) (*wavWriter, error) {
	f, err := createPlayback(path)
	if err != nil {
		return nil, fmt.Errorf("audio: playback file: %w", err)
	}
	if _, err := f.Write(wavHeader(rate, 0)); err != nil {
		_ = f.Close() // the write error is the one to report
		return nil, fmt.Errorf("audio: playback file: %w", err)
	}
	// 4 KiB: the file trails what was played by at most 256 ms at 8 kHz
	// (tests read it while the call runs).
	return &wavWriter{f: f, w: bufio.NewWriter(fileWriter(f)), rate: rate, buf: make([]byte, 0, 2*frames), log: log}, nil
}

func (w *wavWriter) write(out []int16) {
	if w.err != nil {
		return
	}
	w.buf = appendSamples(w.buf[:0], out)
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = err
		w.log.Error("playback file write failed; further output discarded", "file", w.f.Name(), "err", err)
		return
	}
	w.bytes += uint32(len(w.buf))
}

// fixup flushes and rewrites the header's sizes for what was written.
func (w *wavWriter) fixup() error {
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("playback file %s: %w", w.f.Name(), err)
	}
	if _, err := w.f.WriteAt(wavHeader(w.rate, w.bytes), 0); err != nil {
		return fmt.Errorf("playback file %s: %w", w.f.Name(), err)
	}
	return w.err
}

func (w *wavWriter) close() error {
	err := w.fixup()
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// createPlayback creates or truncates the playback file without blocking:
// opening a FIFO for writing waits for a reader otherwise (with O_NONBLOCK
// it fails at once), and a FIFO or socket that does open is refused. A
// device (/dev/null) is accepted.
func createPlayback(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NONBLOCK, 0o644)
	if errors.Is(err, syscall.ENXIO) {
		return nil, fmt.Errorf("%s: a named pipe; want a file", path)
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && st.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0 {
		err = fmt.Errorf("%s: not a regular file (%v); want a file", path, st.Mode().Type())
	}
	if err != nil {
		_ = f.Close() // not written to: err says why the file is refused
		return nil, err
	}
	return f, nil
}
