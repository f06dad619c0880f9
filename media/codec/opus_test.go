//go:build cgo

package codec

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/skoip/skoip/internal/testsupport/fft"

	"github.com/skoip/skoip/internal/testsupport/speechq"
)

// speech16 is a deterministic speech-like test signal at 16 kHz: voiced
// syllables of 120-300 ms (harmonics of a gliding pitch up to 7.5 kHz,
// shaped by three formants that move from syllable to syllable) and
// fricatives of 60-150 ms (noise tilted towards the top of the band),
// separated by pauses, over a faint noise floor.
func speech16(n int, seed uint64) []int16 {
	rng := rand.New(rand.NewPCG(seed, 16))
	out := make([]int16, n)
	const fs = 16000.0
	var (
		phase, f0, f0To  = 0.0, 140.0, 140.0
		venv, vTo        float64 // voiced envelope and its target
		nenv, nTo        float64 // fricative envelope and its target
		fm, fmTo         = [3]float64{500, 1500, 2800}, [3]float64{500, 1500, 2800}
		w                []float64
		n1, n2           float64 // noise differentiator state
		next, kind, kSeg int
	)
	for i := range out {
		if i >= next {
			kSeg++
			switch {
			case kind != 0:
				kind, vTo, nTo, next = 0, 0, 0, i+800+rng.IntN(2400)
			case rng.Float64() < 0.75:
				kind, vTo, next = 1, 0.5+0.5*rng.Float64(), i+1920+rng.IntN(2880)
				f0To = 100 + 120*rng.Float64()
				fmTo = [3]float64{300 + 500*rng.Float64(), 900 + 1400*rng.Float64(), 2500 + 700*rng.Float64()}
			default:
				kind, nTo, next = 2, 0.4+0.4*rng.Float64(), i+960+rng.IntN(1440)
			}
		}
		venv += (vTo - venv) * 0.004
		nenv += (nTo - nenv) * 0.006
		f0 += (f0To - f0) * 0.0004
		if i%80 == 0 { // formants glide, weights follow every 5 ms
			w = w[:0]
			for j := range fm {
				fm[j] += (fmTo[j] - fm[j]) * 0.15
			}
			for h := 1; float64(h)*f0 < 7500; h++ {
				f := float64(h) * f0
				g := 0.02
				for j, b := range [3]float64{90, 110, 150} {
					g += math.Pow(0.5, float64(j)) / (1 + math.Pow((f-fm[j])/b, 2))
				}
				w = append(w, g)
			}
		}
		phase += 2 * math.Pi * f0 / fs
		if phase > 2*math.Pi {
			phase -= 2 * math.Pi
		}
		v := 0.0
		for h, g := range w {
			v += g * math.Sin(float64(h+1)*phase)
		}
		x := rng.NormFloat64()
		d1 := x - n1
		d2 := d1 - n2
		n1, n2 = x, d1
		y := 5000*venv*v + 1200*nenv*d2 + 20*rng.NormFloat64()
		out[i] = int16(max(min(y, 32767), -32768))
	}
	return out
}

// bandPower is the mean power of x at 16 kHz between lo and hi Hz
// (Hann-windowed periodograms of 512 samples, half overlapped).
func bandPower(x []int16, lo, hi float64) float64 {
	const n = 512
	re, im := make([]float64, n), make([]float64, n)
	sum := 0.0
	for s := 0; s+n <= len(x); s += n / 2 {
		for i := range re {
			w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/n)
			re[i], im[i] = w*float64(x[s+i]), 0
		}
		fft.Transform(re, im, false)
		for k := range n / 2 {
			if f := float64(k) * 16000 / n; f >= lo && f <= hi {
				sum += re[k]*re[k] + im[k]*im[k]
			}
		}
	}
	return sum
}

// align returns the lag (0..maxLag) at which out best matches src.
func align(src, out []int16, maxLag int) (lag int, c float64) {
	c = math.Inf(-1)
	end := len(src) - maxLag
	for l := 0; l <= maxLag; l++ {
		if v := speechq.NCC(src[:end], out[l:end+l]); v > c {
			lag, c = l, v
		}
	}
	return lag, c
}

// segSNR is the mean over 10 ms segments of the SNR of got against ref in
// dB, each segment's clamped to -10..40 dB, counting segments where ref is
// not silent.
func segSNR(ref, got []int16) float64 {
	sum, n := 0.0, 0
	for s := 0; s+160 <= len(ref); s += 160 {
		var sig, noise float64
		for i := s; i < s+160; i++ {
			d := float64(ref[i]) - float64(got[i])
			sig += float64(ref[i]) * float64(ref[i])
			noise += d * d
		}
		if sig < 160*100*100 {
			continue
		}
		sum += max(-10, min(40, 10*math.Log10(sig/max(noise, 1))))
		n++
	}
	return sum / float64(max(n, 1))
}

func newOpus(t testing.TB, opt Options) *Opus {
	t.Helper()
	o, err := NewOpus(111, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// encodeAll encodes pcm in frames of size samples.
func encodeAll(o *Opus, pcm []int16, size int) [][]byte {
	var pkts [][]byte
	for s := 0; s+size <= len(pcm); s += size {
		pkts = append(pkts, o.Encode(nil, pcm[s:s+size]))
	}
	return pkts
}

func TestOpusByName(t *testing.T) {
	for _, name := range []string{"opus", "OPUS", "Opus"} {
		c, err := ByName(name, 111, Options{Complexity: -1})
		if err != nil {
			t.Fatalf("ByName(%q): %v", name, err)
		}
		if c.Name() != "opus" || c.PayloadType() != 111 || c.ClockRate() != 48000 || c.SampleRate() != 16000 {
			t.Errorf("%s %d %d %d", c.Name(), c.PayloadType(), c.ClockRate(), c.SampleRate())
		}
		if _, ok := c.(Concealer); !ok {
			t.Error("not a Concealer")
		}
		c.(*Opus).Close()
	}
	if !slices.Contains(NewRegistry().Names(), "OPUS") {
		t.Error("OPUS not among the registry's names")
	}
	if _, err := ByName("opus", 128, Options{}); !errors.Is(err, ErrBadPayloadType) {
		t.Errorf("pt 128: %v", err)
	}
	if _, err := NewOpus(128, Options{}); !errors.Is(err, ErrBadPayloadType) {
		t.Errorf("NewOpus pt 128: %v", err)
	}
	for _, opt := range []Options{{Complexity: 11}, {Complexity: -2}, {Bitrate: 5000}, {Bitrate: 600000}, {PacketLoss: 101}, {PacketLoss: -1}} {
		if o, err := NewOpus(111, opt); err == nil {
			o.Close()
			t.Errorf("%+v: no error", opt)
		}
	}
}

// The round trip at 32 kbit/s keeps the 3.4-7 kHz band (what wideband
// adds to G.711) within 3 dB and the waveform, once the codec's delay
// (the encoder's lookahead) is taken out.
func TestOpusRoundTrip(t *testing.T) {
	src := speech16(4*16000, 1)
	for _, cx := range []int{0, 5, 10} {
		o := newOpus(t, Options{Complexity: cx})
		var out []int16
		bytes := 0
		for _, p := range encodeAll(o, src, 320) {
			bytes += len(p)
			out = o.Decode(out, p)
		}
		if len(out) != len(src) || o.Errors() != 0 {
			t.Fatalf("complexity %d: %d samples, %d errors", cx, len(out), o.Errors())
		}
		la := o.lookahead()
		lag, c := align(src, out, 400)
		hi := 10 * math.Log10(bandPower(out, 3400, 7000)/bandPower(src, 3400, 7000))
		lo := 10 * math.Log10(bandPower(out, 100, 3400)/bandPower(src, 100, 3400))
		t.Logf("complexity %d: %.1f kbit/s, lookahead %d, delay %d samples, correlation %.3f, 3.4-7 kHz %+.2f dB, 0.1-3.4 kHz %+.2f dB",
			cx, float64(bytes*8)/4/1000, la, lag, c, hi, lo)
		if lag != la {
			t.Errorf("complexity %d: delay %d, lookahead %d", cx, lag, la)
		}
		if math.Abs(hi) > 3 || math.Abs(lo) > 3 {
			t.Errorf("complexity %d: band energy off: 3.4-7 kHz %+.2f dB, 0.1-3.4 kHz %+.2f dB", cx, hi, lo)
		}
		if c < 0.9 {
			t.Errorf("complexity %d: correlation %.3f", cx, c)
		}
	}
}

// lossy decodes pkts into two decoders, losing every 10th packet: one
// conceals the loss, the other recovers it from the next packet's FEC
// (concealing when there is none). It returns both outputs and how many
// losses FEC recovered.
func lossy(t *testing.T, pkts [][]byte) (plc, fec []int16, hits, losses int) {
	pd, fd := newOpus(t, Options{}), newOpus(t, Options{})
	for i, p := range pkts {
		if i%10 != 9 || i+1 == len(pkts) {
			plc = pd.Decode(plc, p)
			fec = fd.Decode(fec, p)
			continue
		}
		losses++
		plc = pd.Conceal(plc, 320)
		var ok bool
		if fec, ok = fd.DecodeFEC(fec, pkts[i+1], 320); ok {
			hits++
		} else {
			fec = fd.Conceal(fec, 320)
		}
	}
	if pd.Errors()+fd.Errors() != 0 {
		t.Errorf("%d errors", pd.Errors()+fd.Errors())
	}
	return plc, fec, hits, losses
}

// lostFrames gathers the frames of x that lossy lost.
func lostFrames(x []int16) []int16 {
	var out []int16
	for s := 9 * 320; s+320 <= len(x); s += 3200 {
		out = append(out, x[s:s+320]...)
	}
	return out
}

// With in-band FEC, the frames lost from a 10 s stream come back from the
// packets after them far better than the decoder can guess them; without
// it (or in CELT-only packets), DecodeFEC declines.
func TestOpusFEC(t *testing.T) {
	src := speech16(10*16000, 3)
	enc := newOpus(t, Options{Bitrate: 32000, PacketLoss: 10, Complexity: -1})
	pkts := encodeAll(enc, src, 320)
	ref := newOpus(t, Options{})
	var clean []int16
	lbrr := 0
	for _, p := range pkts {
		clean = ref.Decode(clean, p)
		if hasFEC(p, 320) {
			lbrr++
		}
	}
	plc, fec, hits, losses := lossy(t, pkts)
	if len(plc) != len(clean) || len(fec) != len(clean) {
		t.Fatalf("lengths: clean %d, plc %d, fec %d", len(clean), len(plc), len(fec))
	}
	sp, sf := segSNR(lostFrames(clean), lostFrames(plc)), segSNR(lostFrames(clean), lostFrames(fec))
	wp, wf := segSNR(clean, plc), segSNR(clean, fec)
	t.Logf("%d of %d packets carry LBRR; FEC recovered %d of %d losses; lost frames against the lossless decoding: PLC %.1f dB, FEC %.1f dB segmental SNR; whole signal: PLC %.1f dB, FEC %.1f dB",
		lbrr, len(pkts), hits, losses, sp, sf, wp, wf)
	if hits < losses*3/4 {
		t.Errorf("FEC recovered %d of %d losses", hits, losses)
	}
	if sf < sp+6 || wf < wp+3 {
		t.Errorf("FEC %.1f dB (whole %.1f) not clearly over PLC %.1f dB (whole %.1f)", sf, wf, sp, wp)
	}

	d := newOpus(t, Options{})
	for _, p := range pkts[:5] {
		d.Decode(nil, p)
	}
	for _, n := range []int{0, -320, 33, 160, 1960} { // not 2.5 ms steps, under the frame, over 120 ms
		if out, ok := d.DecodeFEC(nil, pkts[6], n); ok || len(out) != 0 {
			t.Errorf("DecodeFEC n=%d: %v, %d samples", n, ok, len(out))
		}
	}
	if out, ok := d.DecodeFEC(nil, pkts[6], 640); !ok || len(out) != 640 { // PLC 20 ms, then FEC
		t.Errorf("DecodeFEC n=640: %v, %d samples", ok, len(out))
	}

	noFEC := encodeAll(newOpus(t, Options{Bitrate: 32000, PacketLoss: 10, NoFEC: true}), src[:2*16000], 320)
	celt := encodeAll(newOpus(t, Options{Bitrate: 32000, PacketLoss: 10}), src[:2*16000], 80) // 5 ms: CELT only
	for name, ps := range map[string][][]byte{"no FEC": noFEC, "CELT": celt} {
		d := newOpus(t, Options{})
		for i, p := range ps {
			if out, ok := d.DecodeFEC(nil, p, 320); ok || len(out) != 0 {
				t.Errorf("%s packet %d: DecodeFEC %v", name, i, ok)
			}
			d.Decode(nil, p)
		}
	}
	if celt[10][0]&0x80 == 0 {
		t.Errorf("5 ms packet not CELT: TOC %#x", celt[10][0])
	}
}

// With DTX, silence comes out as packets of 1 or 2 bytes (which need not
// be sent) once the encoder has noticed it; they decode to their length.
func TestOpusDTX(t *testing.T) {
	sig := append(speech16(16000, 4), make([]int16, 3*16000)...)
	for i := range 16000 { // a faint noise floor on the second second of silence
		sig[2*16000+i] = int16(3 * math.Sin(float64(i)*0.7))
	}
	for _, opt := range []Options{{DTX: true}, {FMTP: "usedtx=1"}, {}} {
		o := newOpus(t, opt)
		pkts := encodeAll(o, sig, 320)
		small, hist := 0, map[int]int{}
		for _, p := range pkts[75:] { // from 0.5 s into the silence
			hist[len(p)]++
			if len(p) <= 2 {
				small++
			}
		}
		var out []int16
		for _, p := range pkts {
			out = o.Decode(out, p)
		}
		t.Logf("%+v: silence from 0.5 s: %d of %d packets <= 2 bytes; sizes %v", opt, small, len(pkts)-75, hist)
		if len(out) != len(sig) || o.Errors() != 0 {
			t.Errorf("%+v: decoded %d of %d samples, %d errors", opt, len(out), len(sig), o.Errors())
		}
		dtx := opt.DTX || opt.FMTP != ""
		if dtx && small < (len(pkts)-75)*8/10 || !dtx && small != 0 {
			t.Errorf("%+v: %d of %d packets of silence <= 2 bytes", opt, small, len(pkts)-75)
		}
	}
}

func TestOpusSamples(t *testing.T) {
	o := newOpus(t, Options{Complexity: -1})
	src := speech16(16000, 5)
	for _, n := range []int{40, 80, 160, 320, 640, 960} {
		p := o.Encode(nil, src[:n])
		if got := o.Samples(p); got != n {
			t.Errorf("%d-sample frame: Samples %d (%d bytes)", n, got, len(p))
		}
		if out := o.Decode(nil, p); len(out) != n {
			t.Errorf("%d-sample frame: decoded %d", n, len(out))
		}
	}
	// 120 ms: six 20 ms CELT frames of 1 byte (code 3, CBR)
	if got := o.Samples([]byte{0xf8 | 3, 6, 0, 0, 0, 0, 0, 0}); got != 1920 {
		t.Errorf("120 ms: %d", got)
	}
	for _, p := range [][]byte{
		nil, {},
		{0xf8 | 3},                         // code 3 without its count
		{0xf8 | 3, 7, 0, 0, 0, 0, 0, 0, 0}, // 140 ms
		{0xf8 | 3, 0},                      // no frames
		{0x08 | 1, 0xaa},                   // code 1: odd length
		{0x08 | 2, 0xff},                   // code 2: length beyond the packet
		append([]byte{0x08}, make([]byte, 1276)...), // frame over 1275 bytes
	} {
		if got := o.Samples(p); got != 0 {
			t.Errorf("% x: Samples %d", p[:min(len(p), 4)], got)
		}
		e := o.Errors()
		if out := o.Decode(nil, p); len(out) != 320 || o.Errors() != e+1 {
			t.Errorf("% x: decoded %d samples, errors %d -> %d", p[:min(len(p), 4)], len(out), e, o.Errors())
		}
	}
	for _, n := range []int{0, 1, 39, 321, 1920} {
		e := o.Errors()
		if p := o.Encode([]byte{7}, make([]int16, n)); len(p) != 1 || o.Errors() != e+1 {
			t.Errorf("Encode of %d samples: %d bytes, errors %d -> %d", n, len(p), e, o.Errors())
		}
	}
}

// Conceal gives exactly what it is asked for, and calls of odd lengths
// give the audio of one call of their sum.
func TestOpusConcealSeamless(t *testing.T) {
	src := speech16(16000, 6)
	pkts := encodeAll(newOpus(t, Options{Complexity: -1}), src, 320)
	loud := 10 // lose the audio after the loudest frame
	for i := 10; i < 45; i++ {
		if rms(src[i*320:i*320+320]) > rms(src[loud*320:loud*320+320]) {
			loud = i
		}
	}
	a, b := newOpus(t, Options{}), newOpus(t, Options{})
	if out := a.Conceal(nil, 47); len(out) != 47 || slices.ContainsFunc(out, func(x int16) bool { return x != 0 }) {
		t.Errorf("before any packet: %d samples, want 47 zeros", len(out))
	}
	for _, p := range pkts[:loud+1] { // a's first Decode drops its leftover
		a.Decode(nil, p)
		b.Decode(nil, p)
	}
	var got []int16
	for _, n := range []int{33, 47, 100, 1, 39, 0, -5, 300, 7, 353, 320} {
		k := len(got)
		got = a.Conceal(got, n)
		if len(got)-k != max(n, 0) {
			t.Fatalf("Conceal(%d) gave %d", n, len(got)-k)
		}
	}
	want := b.Conceal(nil, 1280) // 1200 asked of a: 1280 generated
	if !slices.Equal(got, want[:len(got)]) {
		t.Errorf("odd calls differ from one call")
	}
	x, y := a.Decode(nil, pkts[loud+1]), b.Decode(nil, pkts[loud+1])
	if !slices.Equal(x, y) {
		t.Errorf("Decode after Conceal: leftover not dropped")
	}
	if r, s := rms(got[:320]), rms(src[loud*320:loud*320+320]); r < s/10 {
		t.Errorf("concealment rms %.0f after a frame of %.0f", r, s)
	}
}

func rms(x []int16) float64 {
	s := 0.0
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(max(len(x), 1)))
}

func TestOpusClosed(t *testing.T) {
	o := newOpus(t, Options{})
	p := o.Encode(nil, speech16(320, 7))
	o.Decode(nil, p)
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	e := o.Errors()
	dst := []int16{1, 2}
	if got := o.Encode([]byte{9}, make([]int16, 320)); len(got) != 1 {
		t.Errorf("Encode after Close: %d bytes", len(got))
	}
	if got := o.Decode(dst, p); len(got) != 2 {
		t.Errorf("Decode after Close: %d", len(got))
	}
	if got := o.Decode(dst, nil); len(got) != 2 {
		t.Errorf("Decode(nil) after Close: %d", len(got))
	}
	if got := o.Conceal(dst, 100); len(got) != 2 {
		t.Errorf("Conceal after Close: %d", len(got))
	}
	if got, ok := o.DecodeFEC(dst, p, 320); ok || len(got) != 2 {
		t.Errorf("DecodeFEC after Close: %v %d", ok, len(got))
	}
	if o.Errors() != e || o.lookahead() != -1 || o.Samples(p) != 320 {
		t.Errorf("after Close: errors %d -> %d, lookahead %d, Samples %d", e, o.Errors(), o.lookahead(), o.Samples(p))
	}
}

func TestOpusAllocs(t *testing.T) {
	o := newOpus(t, Options{Complexity: -1})
	pcm := speech16(320, 8)
	pkt := make([]byte, 0, 1500)
	out := make([]int16, 0, 640)
	pkt = o.Encode(pkt[:0], pcm)
	if n := testing.AllocsPerRun(50, func() { pkt = o.Encode(pkt[:0], pcm) }); n != 0 {
		t.Errorf("Encode: %.1f allocs", n)
	}
	if n := testing.AllocsPerRun(50, func() { out = o.Decode(out[:0], pkt) }); n != 0 {
		t.Errorf("Decode: %.1f allocs", n)
	}
	if n := testing.AllocsPerRun(50, func() { out = o.Conceal(out[:0], 333) }); n != 0 {
		t.Errorf("Conceal: %.1f allocs", n)
	}
	if n := testing.AllocsPerRun(50, func() { out, _ = o.DecodeFEC(out[:0], pkt, 320) }); n != 0 {
		t.Errorf("DecodeFEC: %.1f allocs", n)
	}
}

// One instance, encoding in one goroutine and decoding in another, closed
// from a third while they run: the race detector's test.
func TestOpusConcurrent(t *testing.T) {
	o := newOpus(t, Options{Complexity: 1})
	src := speech16(16000, 9)
	pkts := make(chan []byte, 8)
	half := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(pkts)
		for i := range 300 {
			if i == 150 {
				close(half)
			}
			s := i % 50 * 320
			pkts <- o.Encode(nil, src[s:s+320]) // nil once closed
		}
	})
	wg.Go(func() {
		var out []int16
		i := 0
		for p := range pkts {
			switch i++; {
			case i%7 == 0:
				out = o.Conceal(out[:0], 111)
			case i%5 == 0:
				out, _ = o.DecodeFEC(out[:0], p, 320)
			default:
				out = o.Decode(out[:0], p)
			}
			_ = o.Samples(p)
		}
	})
	wg.Go(func() {
		<-half
		o.Close()
	})
	wg.Wait()
}

// The peer's fmtp shapes what the encoder sends.
func TestOpusPeerFMTP(t *testing.T) {
	src := speech16(2*16000, 10)
	for _, c := range []struct {
		fmtp    string
		maxBand int // highest TOC bandwidth: 0 NB, 1 MB, 2 WB (SILK configs 0-11)
		kbps    float64
		cbr     bool
	}{
		{"", 2, 34, false},
		{"maxplaybackrate=8000", 0, 34, false},
		{"maxplaybackrate=12000; sprop-maxcapturerate=48000", 1, 34, false},
		{"maxaveragebitrate=12000", 2, 13, false},
		{"cbr=1", 2, 32.1, true},
	} {
		pkts := encodeAll(newOpus(t, Options{FMTP: c.fmtp, Complexity: -1}), src, 320)
		band, bytes, sizes := 0, 0, map[int]bool{}
		for _, p := range pkts[5:] {
			if cfg := int(p[0] >> 3); cfg < 12 {
				band = max(band, cfg/4)
			} else {
				band = 9
			}
			bytes += len(p)
			sizes[len(p)] = true
		}
		kbps := float64(bytes*8) / (float64(len(pkts)-5) * 0.02) / 1000
		t.Logf("fmtp %q: band %d, %.1f kbit/s, %d sizes", c.fmtp, band, kbps, len(sizes))
		if band != c.maxBand || kbps > c.kbps || c.cbr != (len(sizes) == 1) {
			t.Errorf("fmtp %q: band %d (want %d), %.1f kbit/s (max %.1f), %d packet sizes", c.fmtp, band, c.maxBand, kbps, c.kbps, len(sizes))
		}
	}
	for _, p := range encodeAll(newOpus(t, Options{FMTP: "useinbandfec=0", PacketLoss: 20}), src, 320) {
		if hasFEC(p, 320) {
			t.Fatal("useinbandfec=0: packet with LBRR")
		}
	}
}

func FuzzOpusDecode(f *testing.F) {
	o := newOpus(f, Options{Complexity: -1})
	src := speech16(3200, 11)
	for _, n := range []int{40, 320, 960} {
		f.Add(o.Encode(nil, src[:n]))
	}
	for _, p := range encodeAll(o, src, 320)[5:7] {
		f.Add(p)
	}
	f.Add([]byte{})
	f.Add([]byte{0x08})
	f.Add([]byte{0xf8 | 3, 6, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x7b, 0xff, 0xff, 0xff})
	warm := o.Encode(nil, src[320:640])
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := NewOpus(111, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		d.Decode(nil, warm)
		want := d.Samples(b)
		if want == 0 {
			want = 320
		}
		if out := d.Decode(nil, b); len(out) != want {
			t.Fatalf("Decode gave %d samples, want %d", len(out), want)
		}
		if out, ok := d.DecodeFEC(nil, b, 960); ok != (len(out) == 960) || !ok && len(out) != 0 {
			t.Fatalf("DecodeFEC: %v with %d samples", ok, len(out))
		}
		if out := d.Conceal(nil, len(b)); len(out) != len(b) {
			t.Fatalf("Conceal(%d) gave %d", len(b), len(out))
		}
		if out := d.Decode(nil, b); len(out) != want {
			t.Fatalf("second Decode gave %d samples, want %d", len(out), want)
		}
	})
}

// Each op is one 20 ms frame of speech.
func BenchmarkOpusEncode(b *testing.B) {
	src := speech16(16000, 12)
	for _, cx := range []int{5, 10} {
		b.Run(map[int]string{5: "complexity5", 10: "complexity10"}[cx], func(b *testing.B) {
			o := newOpus(b, Options{Complexity: cx})
			pkt := make([]byte, 0, 1500)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s := i % 50 * 320
				pkt = o.Encode(pkt[:0], src[s:s+320])
				i++
			}
		})
	}
}

func BenchmarkOpusDecode(b *testing.B) {
	src := speech16(16000, 12)
	for _, cx := range []int{5, 10} {
		b.Run(map[int]string{5: "complexity5", 10: "complexity10"}[cx], func(b *testing.B) {
			pkts := encodeAll(newOpus(b, Options{Complexity: cx}), src, 320)
			o := newOpus(b, Options{})
			out := make([]int16, 0, 320)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				out = o.Decode(out[:0], pkts[i%len(pkts)])
				i++
			}
		})
	}
}
