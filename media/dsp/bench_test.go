package dsp

import "testing"

// Each op is one 20 ms frame.

func BenchmarkResample48kTo8k(b *testing.B) {
	r, _ := NewResampler(48000, 8000)
	in := noise(1, 3000, 960)
	out := make([]int16, 0, r.MaxOut(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out = r.Process(out[:0], in)
	}
}

func BenchmarkResample8kTo48k(b *testing.B) {
	r, _ := NewResampler(8000, 48000)
	in := noise(1, 3000, 160)
	out := make([]int16, 0, r.MaxOut(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out = r.Process(out[:0], in)
	}
}

func BenchmarkResample44k1To8k(b *testing.B) {
	r, _ := NewResampler(44100, 8000)
	in := noise(1, 3000, 882)
	out := make([]int16, 0, r.MaxOut(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out = r.Process(out[:0], in)
	}
}

func BenchmarkVAD(b *testing.B) {
	v, _ := NewVAD(8000, DefaultVADConfig())
	in := noise(1, 300, frame8k)
	b.ReportAllocs()
	for b.Loop() {
		v.Process(in)
	}
}

func BenchmarkAGC(b *testing.B) {
	a, _ := NewAGC(8000, DefaultAGCConfig())
	src := voiced(8000, -30, frame8k)
	buf := make([]int16, frame8k)
	b.ReportAllocs()
	for b.Loop() {
		copy(buf, src)
		a.Process(buf)
	}
}

func BenchmarkGate(b *testing.B) {
	g, _ := NewGate(8000, DefaultGateConfig())
	src := noise(1, 30, frame8k)
	buf := make([]int16, frame8k)
	b.ReportAllocs()
	for b.Loop() {
		copy(buf, src)
		g.Process(buf)
	}
}

func BenchmarkHighPass(b *testing.B) {
	h, _ := NewHighPass(8000, 100)
	buf := noise(1, 3000, frame8k)
	b.ReportAllocs()
	for b.Loop() {
		h.Process(buf)
	}
}

func BenchmarkMixInto(b *testing.B) {
	dst, src := noise(1, 3000, frame8k), noise(2, 3000, frame8k)
	b.ReportAllocs()
	for b.Loop() {
		MixInto(dst, src, 0.5)
	}
}
