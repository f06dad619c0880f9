package acoustic

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
)

// room describes the simulated door: how the recording is made from the
// played signal.
type room struct {
	delay    int     // bulk delay, samples
	gainDB   float64 // level of the direct sound in the microphone, dB
	tail     bool    // add a 50 ms reverberation tail 10 dB under the direct sound
	lowpass  float64 // two one-pole low-pass sections at this corner, Hz (0: none)
	noiseDB  float64 // white noise, dBFS RMS (0: -60)
	humHz    float64 // mains hum at -30 dBFS RMS (0: none)
	dc       float64 // DC offset, fraction of full scale
	muted    bool    // the speaker plays nothing
	deadMic  bool    // the recording is all zeros
	extraLen int     // samples recorded after the playback (0: 4000, 500 ms)
	seed     uint64
}

// record simulates the recording of played in the room r: played delayed,
// scaled, low-passed, reverberated, plus noise, hum and DC, rounded and
// hard-clipped at +/-32767.
func (r room) record(played []int16) []int16 {
	rng := rand.New(rand.NewPCG(r.seed, 1))
	extra := r.extraLen
	if extra == 0 {
		extra = 4000
	}
	n := len(played) + extra
	out := make([]int16, n)
	if r.deadMic {
		return out
	}
	ir := r.impulse()
	sig := make([]float64, n)
	if !r.muted {
		g := math.Pow(10, r.gainDB/20)
		for i, x := range played {
			if x == 0 {
				continue
			}
			for k, h := range ir {
				if j := i + r.delay + k; j < n {
					sig[j] += g * h * float64(x)
				}
			}
		}
		if r.lowpass > 0 {
			a := math.Exp(-2 * math.Pi * r.lowpass / Rate)
			for range 2 {
				var y float64
				for i, x := range sig {
					y = a*y + (1-a)*x
					sig[i] = y
				}
			}
		}
	}
	noiseDB := r.noiseDB
	if noiseDB == 0 {
		noiseDB = -60
	}
	sigma := fs * math.Pow(10, noiseDB/20)
	humAmp := fs * math.Pow(10, -30.0/20) * math.Sqrt2
	for i := range sig {
		v := sig[i] + sigma*rng.NormFloat64() + r.dc*fs
		if r.humHz > 0 {
			v += humAmp * math.Sin(2*math.Pi*r.humHz*float64(i)/Rate+0.3)
		}
		out[i] = int16(max(-32767, min(32767, math.Round(v))))
	}
	return out
}

// impulse is the response of the room without the speaker's low-pass:
// the direct sound, then (with tail) 50 ms of exponentially decaying
// noise 10 dB under it, decaying by 60 dB over the 50 ms.
func (r room) impulse() []float64 {
	ir := []float64{1}
	if !r.tail {
		return ir
	}
	rng := rand.New(rand.NewPCG(r.seed, 2))
	const length, tau = 400, 400 / 6.9
	tail := make([]float64, length)
	var e float64
	for k := range tail {
		tail[k] = rng.NormFloat64() * math.Exp(-float64(k)/tau)
		e += tail[k] * tail[k]
	}
	s := math.Sqrt(0.1 / e)
	for _, v := range tail {
		ir = append(ir, v*s)
	}
	return ir
}

// power is the power gain of the simulated speaker and room at f Hz.
func (r room) power(ir []float64, f float64) float64 {
	w := 2 * math.Pi * f / Rate
	var re, im float64
	for k, h := range ir {
		re += h * math.Cos(w*float64(k))
		im -= h * math.Sin(w*float64(k))
	}
	g := re*re + im*im
	if r.lowpass > 0 {
		a := math.Exp(-2 * math.Pi * r.lowpass / Rate)
		lp := (1 - a) * (1 - a) / (1 - 2*a*math.Cos(w) + a*a)
		g *= lp * lp
	}
	return g
}

// wantBands is the true response of the room in the bands of Analyze
// (cut to the sweep's 100..3800 Hz), dB relative to the 1 kHz band.
func (r room) wantBands() []Band {
	ir := r.impulse()
	avg := func(lo, hi float64) float64 {
		lo, hi = max(lo, SweepStartHz), min(hi, SweepEndHz)
		var s float64
		const steps = 300
		for i := range steps {
			s += r.power(ir, lo+(hi-lo)*(float64(i)+0.5)/steps)
		}
		return s / steps
	}
	ref := avg(bands[3].lo, bands[3].hi)
	var out []Band
	for _, b := range bands {
		out = append(out, Band{b.hz, 10 * math.Log10(avg(b.lo, b.hi)/ref)})
	}
	return out
}

// checkBands compares the measured bands with the true ones; it returns
// the largest error, dB.
func checkBands(t *testing.T, r room, got []Band, tol float64) float64 {
	t.Helper()
	want := r.wantBands()
	if len(got) != len(want) {
		t.Fatalf("bands %v, want %v", got, want)
	}
	var worst float64
	for i := range got {
		e := math.Abs(got[i].DB - want[i].DB)
		worst = max(worst, e)
		if got[i].HzCenter != want[i].HzCenter || e > tol {
			t.Errorf("band %d Hz: %.2f dB, want %d Hz at %.2f dB", got[i].HzCenter, got[i].DB, want[i].HzCenter, want[i].DB)
		}
	}
	return worst
}

func analyze(t *testing.T, r room) Result {
	t.Helper()
	played := Signal()
	res, err := Analyze(played, r.record(played))
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return res
}

func checks(r Result) []string {
	var c []string
	for _, p := range r.Problems {
		c = append(c, p.Check)
	}
	sort.Strings(c)
	return c
}

func wantChecks(t *testing.T, r Result, want ...string) {
	t.Helper()
	if got := checks(r); !slices.Equal(got, want) {
		t.Errorf("problems %v, want checks %v", r.Problems, want)
	}
}

func TestSignal(t *testing.T) {
	s := Signal()
	if len(s) != 20000 {
		t.Fatalf("%d samples, want 20000", len(s))
	}
	first := slices.IndexFunc(s, func(x int16) bool { return x != 0 })
	last := len(s) - 1
	for s[last] == 0 {
		last--
	}
	if first < LeadSilence || first > LeadSilence+3 || last < LeadSilence+SweepLen-2 || last >= LeadSilence+SweepLen {
		t.Errorf("sweep at samples %d..%d, want %d..%d", first, last, LeadSilence, LeadSilence+SweepLen-1)
	}
	var peak, sq float64
	for _, x := range s[LeadSilence : LeadSilence+SweepLen] {
		peak = max(peak, math.Abs(float64(x)))
		sq += float64(x) * float64(x)
	}
	if p := 20 * math.Log10(peak/32767); math.Abs(p-SweepPeakDB) > 0.05 {
		t.Errorf("peak %.2f dBFS, want %.1f", p, SweepPeakDB)
	}
	if rms := 10 * math.Log10(sq/SweepLen/(fs*fs)); math.Abs(rms-(SweepPeakDB-3)) > 0.2 {
		t.Errorf("RMS %.2f dBFS, want %.1f", rms, SweepPeakDB-3)
	}
	// Its energy lies in 100..3800 Hz.
	buf := make([]complex128, 32768)
	for i, x := range s {
		buf[i] = complex(float64(x), 0)
	}
	fft(buf, false)
	var in, all float64
	for k := 1; k < len(buf)/2; k++ {
		p := real(buf[k])*real(buf[k]) + imag(buf[k])*imag(buf[k])
		all += p
		if f := float64(k) * Rate / float64(len(buf)); f >= 80 && f <= 3900 {
			in += p
		}
	}
	if in/all < 0.998 {
		t.Errorf("%.4f of the energy in 80..3900 Hz, want 0.998", in/all)
	}
}

func TestFFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 64
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	y := slices.Clone(x)
	fft(y, false)
	for k := range n {
		var s complex128
		for i := range n {
			ang := -2 * math.Pi * float64(k*i) / n
			s += x[i] * complex(math.Cos(ang), math.Sin(ang))
		}
		if d := s - y[k]; math.Hypot(real(d), imag(d)) > 1e-9 {
			t.Fatalf("bin %d: %v, want %v", k, y[k], s)
		}
	}
	fft(y, true)
	for i := range n {
		if d := y[i] - x[i]; math.Hypot(real(d), imag(d)) > 1e-12 {
			t.Fatalf("inverse: sample %d: %v, want %v", i, y[i], x[i])
		}
	}
}

func TestDelay(t *testing.T) {
	for _, ms := range []float64{5, 37.5, 120} {
		d := int(ms * Rate / 1000)
		res := analyze(t, room{delay: d, gainDB: -20, tail: true, seed: uint64(d)})
		t.Logf("delay %.1f ms: measured %.3f ms", ms, res.DelayMS)
		if math.Abs(res.DelayMS-ms) > 2 {
			t.Errorf("delay %.1f ms: measured %.3f ms", ms, res.DelayMS)
		}
		wantChecks(t, res)
	}
}

func TestDelayTooLong(t *testing.T) {
	res := analyze(t, room{delay: 300 * Rate / 1000, gainDB: -20, tail: true, seed: 5})
	if math.Abs(res.DelayMS-300) > 2 {
		t.Errorf("measured %.3f ms, want 300", res.DelayMS)
	}
	wantChecks(t, res, CheckDelay)
}

func TestCoupling(t *testing.T) {
	for _, g := range []float64{-40, -20, -6} {
		res := analyze(t, room{delay: 300, gainDB: g, tail: true, seed: 7})
		// The tail adds 10 dB under the direct sound: +0.4 dB.
		t.Logf("gain %.0f dB: coupling %.2f dB", g, res.CouplingDB)
		if math.Abs(res.CouplingDB-g) > 2 {
			t.Errorf("gain %.0f dB: coupling %.2f dB", g, res.CouplingDB)
		}
	}
}

func TestMutedSpeaker(t *testing.T) {
	for seed := range uint64(5) {
		res := analyze(t, room{muted: true, seed: seed})
		wantChecks(t, res, CheckSpeaker)
		t.Log(res.Problems)
		if len(res.BandsDB) != 0 || res.DelayMS != 0 {
			t.Errorf("bands %v, delay %v without a speaker", res.BandsDB, res.DelayMS)
		}
	}
	// Quiet but present: 50 dB under the played signal is still heard.
	res := analyze(t, room{delay: 300, gainDB: -50, tail: true, seed: 9})
	wantChecks(t, res)
}

func TestDeadMicrophone(t *testing.T) {
	res := analyze(t, room{deadMic: true})
	wantChecks(t, res, CheckMicrophone)
	// A stuck converter: constant, not zero.
	played := Signal()
	rec := make([]int16, len(played)+4000)
	for i := range rec {
		rec[i] = -1200
	}
	res, err := Analyze(played, rec)
	if err != nil {
		t.Fatal(err)
	}
	wantChecks(t, res, CheckMicrophone)
	// Nearly zero: a lone LSB now and then.
	clear(rec)
	for i := 0; i < len(rec); i += 1000 {
		rec[i] = 1
	}
	res, _ = Analyze(played, rec)
	wantChecks(t, res, CheckMicrophone)
}

func TestClipping(t *testing.T) {
	res := analyze(t, room{delay: 300, gainDB: 16, seed: 1})
	t.Logf("+16 dB: clipped %.4f", res.ClipFraction)
	if !res.HasProblem(CheckClipping) || res.HasProblem(CheckSpeaker) {
		t.Errorf("+16 dB: problems %v", res.Problems)
	}
	// The -12 dBFS sweep 10 dB louder peaks at -2 dBFS: no clipping.
	res = analyze(t, room{delay: 300, gainDB: 10, seed: 1})
	if res.ClipFraction != 0 || res.HasProblem(CheckClipping) {
		t.Errorf("+10 dB: clipped %.4f, problems %v", res.ClipFraction, res.Problems)
	}
}

func TestHum(t *testing.T) {
	for _, hz := range []float64{50, 60} {
		res := analyze(t, room{delay: 300, gainDB: -20, tail: true, humHz: hz, seed: 2})
		t.Logf("%v Hz: hum %.1f dB, %d Hz", hz, res.HumDB, res.HumHz)
		if !res.HasProblem(CheckHum) || res.HumHz != int(hz) {
			t.Errorf("%v Hz: hum %.1f dB at %d Hz, problems %v", hz, res.HumDB, res.HumHz, res.Problems)
		}
	}
	// Hum 50 dB under the -30 dBFS test level is no problem.
	res := analyze(t, room{delay: 300, gainDB: -20, seed: 2})
	if res.HasProblem(CheckHum) || res.HumHz != 0 || res.HumDB > 3 {
		t.Errorf("no hum: hum %.1f dB at %d Hz", res.HumDB, res.HumHz)
	}
}

func TestDCOffset(t *testing.T) {
	res := analyze(t, room{delay: 300, gainDB: -20, tail: true, dc: 0.05, seed: 3})
	if math.Abs(res.DCOffset-0.05) > 0.001 {
		t.Errorf("DC offset %.4f, want 0.05", res.DCOffset)
	}
	wantChecks(t, res, CheckDCOffset)
}

func TestNoise(t *testing.T) {
	res := analyze(t, room{delay: 300, gainDB: -10, tail: true, noiseDB: -35, seed: 4})
	if math.Abs(res.NoiseFloorDBFS+35) > 0.5 {
		t.Errorf("noise floor %.2f dBFS, want -35", res.NoiseFloorDBFS)
	}
	if math.Abs(res.SNRVoiceDB-(VoiceDBFS-res.NoiseFloorDBFS)) > 1e-9 {
		t.Errorf("SNR %.2f dB", res.SNRVoiceDB)
	}
	wantChecks(t, res, CheckNoise)
}

func TestBandsLowPass(t *testing.T) {
	for _, tail := range []bool{false, true} {
		rm := room{delay: 300, gainDB: -6, lowpass: 500, tail: tail, seed: 6}
		res := analyze(t, rm)
		worst := checkBands(t, rm, res.BandsDB, 1)
		t.Logf("tail %v: bands %v, largest error %.2f dB", tail, res.BandsDB, worst)
		byHz := map[int]float64{}
		for _, b := range res.BandsDB {
			byHz[b.HzCenter] = b.DB
		}
		if byHz[2000] > byHz[1000]-6 {
			t.Errorf("2 kHz band %.1f dB, not 6 dB under the 1 kHz band", byHz[2000])
		}
	}
}

func TestHealthyRoom(t *testing.T) {
	for seed := range uint64(4) {
		rm := room{delay: 300, gainDB: -20, tail: true, seed: seed}
		res := analyze(t, rm)
		wantChecks(t, res)
		worst := checkBands(t, rm, res.BandsDB, 1)
		t.Logf("seed %d: bands %v, largest error %.2f dB", seed, res.BandsDB, worst)
	}
	// A flat speaker in a dead room: flat bands.
	res := analyze(t, room{delay: 300, gainDB: -20, seed: 8})
	for _, b := range res.BandsDB {
		if math.Abs(b.DB) > 0.5 {
			t.Errorf("flat speaker: band %d Hz at %.2f dB", b.HzCenter, b.DB)
		}
	}
	res = analyze(t, room{delay: 300, gainDB: -20, tail: true, seed: 8})
	if math.Abs(res.NoiseFloorDBFS+60) > 0.5 || res.ClipFraction != 0 || math.Abs(res.DCOffset) > 1e-3 {
		t.Errorf("result %+v", res)
	}
	t.Logf("%+v", res)

	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	golden := []string{"bands", "clip_fraction", "coupling_db", "dc_offset", "delay_ms", "hum_db", "hum_hz", "noise_floor_dbfs", "problems", "snr_voice_db"}
	if !slices.Equal(keys, golden) {
		t.Errorf("JSON keys %v, want %v", keys, golden)
	}
	if _, ok := m["bands"].([]any)[0].(map[string]any)["hz"]; !ok {
		t.Errorf("band JSON %s", b)
	}
	if p, ok := m["problems"].([]any); !ok || len(p) != 0 {
		t.Errorf("problems JSON %v, want []", m["problems"])
	}
}

func TestBadInput(t *testing.T) {
	s := Signal()
	for _, c := range []struct {
		played, rec []int16
		want        error
	}{
		{nil, s, ErrEmpty},
		{s, nil, ErrEmpty},
		{s, s[:len(s)-1], ErrShort},
		{s, make([]int16, MaxSamples+1), ErrTooLong},
		{make([]int16, 100), make([]int16, 200), ErrNoSignal},
		{s[LeadSilence-100:], s, ErrNoLeadSilence},
	} {
		if _, err := Analyze(c.played, c.rec); err != c.want {
			t.Errorf("error %v, want %v", err, c.want)
		}
	}
	if _, err := Analyze(s, make([]int16, MaxSamples)); err != nil {
		t.Errorf("30 s: %v", err)
	}
}

// TestLongInput runs the largest input: 30 s of noise against a played
// signal of nearly 30 s, in bounded time.
func TestLongInput(t *testing.T) {
	played := append(Signal(), make([]int16, MaxSamples-4000-len(Signal()))...)
	rec := room{muted: true, noiseDB: -20, extraLen: 4000, seed: 11}.record(played)
	start := time.Now()
	res, err := Analyze(played, rec)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d samples in %v", len(rec), time.Since(start))
	finite(t, res)
	wantChecks(t, res, CheckNoise, CheckSpeaker)
}

func finite(t *testing.T, r Result) {
	t.Helper()
	v := reflect.ValueOf(r)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Float64 && (math.IsNaN(f.Float()) || math.IsInf(f.Float(), 0)) {
			t.Fatalf("%s is %v", v.Type().Field(i).Name, f.Float())
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4}, []byte{0, 0, 255, 127, 0, 128})
	f.Add([]byte{0, 0}, []byte{})
	f.Add([]byte{255, 127, 0, 128}, []byte{255, 127, 255, 127, 255, 127})
	f.Fuzz(func(t *testing.T, sig, rec []byte) {
		toInt16 := func(b []byte) []int16 {
			out := make([]int16, len(b)/2)
			for i := range out {
				out[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
			}
			return out
		}
		// A leading silence, so that the analysis runs past the input checks.
		played := append(make([]int16, MinLeadSamples), toInt16(sig)...)
		r := toInt16(rec)
		recorded := make([]int16, len(played)+len(r))
		for i := range recorded {
			if len(r) > 0 {
				recorded[i] = r[i%len(r)] / int16(1+i%7)
			}
		}
		res, err := Analyze(played, recorded)
		if err == nil {
			finite(t, res)
		}
		// And the raw bytes as they are.
		res, err = Analyze(toInt16(sig), toInt16(rec))
		if err == nil {
			finite(t, res)
		}
	})
}
