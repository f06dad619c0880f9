package audio

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDispatch is the alsa backend's per-period path: the callback
// from the audio thread to the consumer.
func BenchmarkDispatch(b *testing.B) {
	cfg := Config{Backend: BackendALSA}.withDefaults()
	r := &resilient{rate: 8000, frames: cfg.frames(), period: cfg.Period, clk: cfg.Clock,
		silent: make([]int16, 80), sunk: make([]int16, 80)}
	r.fn = func(in, out []int16) { copy(out, in) }
	in, out := make([]int16, 80), make([]int16, 80)
	b.ReportAllocs()
	for b.Loop() {
		r.data(in, out)
	}
}

// BenchmarkFilePeriod is the file backend's per-period work: next capture
// period from the looped WAV, playback period appended to the output WAV.
func BenchmarkFilePeriod(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "in.wav")
	f, err := os.Create(in)
	if err != nil {
		b.Fatal(err)
	}
	_ = EncodeWAV(f, 8000, make([]int16, 8000+33))
	_ = f.Close()
	cfg := Config{Backend: BackendFile, Capture: in, Playback: filepath.Join(dir, "out.wav")}.withDefaults()
	p, err := newFile(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	b.ReportAllocs()
	for b.Loop() {
		p.source(p.in)
		p.sink(p.out)
	}
}
