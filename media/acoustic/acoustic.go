package acoustic

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Rate is the sample rate of the test signal and of the recording, Hz.
const Rate = 8000

// The test signal (see Signal).
const (
	LeadSilence  = 4000  // samples of silence before the sweep (0.5 s): the noise window
	SweepLen     = 12000 // samples of sweep (1.5 s), fades included
	TailSilence  = 4000  // samples of silence after the sweep (0.5 s)
	SweepStartHz = 100.0
	SweepEndHz   = 3800.0
	SweepPeakDB  = -12.0 // peak amplitude of the sweep, dBFS (its RMS is 3 dB lower)
	FadeLen      = 80    // samples of raised-cosine fade at each end of the sweep (10 ms)
)

// The limits of Analyze's input.
const (
	MinLeadSamples = Rate / 4  // played must start with at least 250 ms of silence
	MaxSamples     = 30 * Rate // recordings longer than 30 s are refused
	MaxDelay       = Rate      // the delay is searched over lags 0..1 s
)

// The failure thresholds (the reasons are in the package documentation).
const (
	MicMinDBFS           = -90.0 // recording RMS below this: no signal from the microphone
	SpeakerMinPeakRatio  = 20.0  // impulse-response peak over the median of its magnitude
	SpeakerMinCouplingDB = -60.0 // coupling below this: the speaker is not heard
	ClipLevel            = 32000 // a recorded sample at |x| >= ClipLevel is clipped
	ClipMaxFraction      = 0.001 // more than 0.1 % clipped samples during the sweep
	DCMaxOffset          = 0.02  // |mean| above 2 % of full scale
	HumMaxDB             = 10.0  // mains lines this far over the rest of the noise...
	HumMinDBFS           = -65.0 // ...and louder than this in absolute terms
	NoiseMaxDBFS         = -40.0 // noise floor above this
	DelayMaxMS           = 250.0 // round trip longer than the echo canceller's range
	VoiceDBFS            = -26.0 // assumed RMS level of a voice at 50 cm in the microphone
	MinDB                = -100.0
)

// Problem checks.
const (
	CheckSpeaker    = "speaker"
	CheckMicrophone = "microphone"
	CheckClipping   = "clipping"
	CheckDCOffset   = "dc_offset"
	CheckHum        = "hum"
	CheckNoise      = "noise"
	CheckDelay      = "delay"
)

// Errors of Analyze: only for input it cannot analyse.
var (
	ErrEmpty         = errors.New("acoustic: empty played or recorded signal")
	ErrShort         = errors.New("acoustic: the recording is shorter than the played signal")
	ErrTooLong       = errors.New("acoustic: the recording is longer than 30 s")
	ErrNoSignal      = errors.New("acoustic: the played signal is all zeros")
	ErrNoLeadSilence = errors.New("acoustic: the played signal does not start with 250 ms of silence")
)

// Result is the outcome of a self-test. Its JSON form (the tags) is a
// stable output; every number in it is finite.
type Result struct {
	DelayMS        float64   `json:"delay_ms"`
	CouplingDB     float64   `json:"coupling_db"`
	BandsDB        []Band    `json:"bands"`
	NoiseFloorDBFS float64   `json:"noise_floor_dbfs"`
	SNRVoiceDB     float64   `json:"snr_voice_db"`
	DCOffset       float64   `json:"dc_offset"`
	HumDB          float64   `json:"hum_db"`
	HumHz          int       `json:"hum_hz"`
	ClipFraction   float64   `json:"clip_fraction"`
	Problems       []Problem `json:"problems"`
}

// Band is the response of one frequency band, dB relative to the 1 kHz band.
type Band struct {
	HzCenter int     `json:"hz"`
	DB       float64 `json:"db"`
}

// Problem is a failed check: Check is one of the Check* constants, Msg says
// what it means for the installer.
type Problem struct {
	Check string `json:"check"`
	Msg   string `json:"msg"`
}

// HasProblem reports whether r has a problem of the check.
func (r Result) HasProblem(check string) bool {
	return slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Check == check })
}

// Signal returns the test signal: LeadSilence samples of silence, a
// logarithmic sweep from SweepStartHz to SweepEndHz of SweepLen samples
// with a peak of SweepPeakDB dBFS and raised-cosine fades of FadeLen
// samples, then TailSilence samples of silence.
func Signal() []int16 {
	out := make([]int16, LeadSilence+SweepLen+TailSilence)
	amp := math.Pow(10, SweepPeakDB/20) * 32767
	T := float64(SweepLen) / Rate
	L := T / math.Log(SweepEndHz/SweepStartHz)
	for n := range SweepLen {
		t := float64(n) / Rate
		phase := 2 * math.Pi * SweepStartHz * L * (math.Exp(t/L) - 1)
		g := 1.0
		if n < FadeLen {
			g = 0.5 - 0.5*math.Cos(math.Pi*float64(n)/FadeLen)
		} else if m := SweepLen - 1 - n; m < FadeLen {
			g = 0.5 - 0.5*math.Cos(math.Pi*float64(m)/FadeLen)
		}
		out[LeadSilence+n] = int16(math.Round(amp * g * math.Sin(phase)))
	}
	return out
}

// bands are the analysed frequency bands: center, lower and upper edge, Hz
// (octaves, and the rest of the telephone band above the 2 kHz octave).
var bands = [...]struct {
	hz     int
	lo, hi float64
}{
	{125, 125 / math.Sqrt2, 125 * math.Sqrt2},
	{250, 250 / math.Sqrt2, 250 * math.Sqrt2},
	{500, 500 / math.Sqrt2, 500 * math.Sqrt2},
	{1000, 1000 / math.Sqrt2, 1000 * math.Sqrt2},
	{2000, 2000 / math.Sqrt2, 2000 * math.Sqrt2},
	{3000, 2000 * math.Sqrt2, 3800},
}

// db is 10 log10(p) for a power ratio, MinDB for nothing, finite always.
func db(p float64) float64 {
	if !(p > 0) || math.IsInf(p, 0) {
		if p > 0 {
			return -MinDB
		}
		return MinDB
	}
	return max(MinDB, min(-MinDB, 10*math.Log10(p)))
}

// fs is full scale, for levels in dBFS (a full-scale square wave is 0 dBFS).
const fs = 32768.0

// Analyze measures the recording of played made by the microphone while
// the speaker played it; both start at the same sample. It returns an
// error only for input it cannot analyse (see the Err* values).
func Analyze(played, recorded []int16) (Result, error) {
	r := Result{BandsDB: []Band{}, Problems: []Problem{}}
	switch {
	case len(played) == 0 || len(recorded) == 0:
		return r, ErrEmpty
	case len(recorded) < len(played):
		return r, ErrShort
	case len(recorded) > MaxSamples:
		return r, ErrTooLong
	}
	start := slices.IndexFunc(played, func(x int16) bool { return x != 0 })
	if start < 0 {
		return r, ErrNoSignal
	}
	if start < MinLeadSamples {
		return r, ErrNoLeadSilence
	}
	end := len(played)
	for played[end-1] == 0 {
		end--
	}

	rec := make([]float64, len(recorded))
	var sum, sq float64
	constant := true
	for i, x := range recorded {
		f := float64(x)
		rec[i] = f
		sum += f
		sq += f * f
		constant = constant && x == recorded[0]
	}
	mean := sum / float64(len(rec))
	r.DCOffset = mean / fs

	// The noise window: the recording during the leading silence.
	noise := rec[:start]
	var nmean float64
	for _, x := range noise {
		nmean += x
	}
	nmean /= float64(len(noise))
	var npow float64
	for _, x := range noise {
		npow += (x - nmean) * (x - nmean)
	}
	npow /= float64(len(noise))
	r.NoiseFloorDBFS = db(npow / (fs * fs))

	if constant || db(sq/float64(len(rec))/(fs*fs)) < MicMinDBFS {
		r.Problems = append(r.Problems, Problem{CheckMicrophone,
			"no signal from the microphone: unplugged, or its mixer channel muted"})
		return r, nil
	}
	r.SNRVoiceDB = VoiceDBFS - r.NoiseFloorDBFS

	hum, humHz := humDB(noise, nmean)
	r.HumDB = hum.ratioDB

	for i := range rec {
		rec[i] -= mean
	}
	d := deconvolve(played, rec)

	// The coupling: the energy of the recording while the sweep arrives,
	// less the noise, against the energy played.
	lag := d.peak
	var ePlay, eRec float64
	n := 0
	for i := start; i < end && i+lag < len(rec); i++ {
		p := float64(played[i])
		ePlay += p * p
		eRec += rec[i+lag] * rec[i+lag]
		n++
	}
	eRec -= npow * float64(n)
	r.CouplingDB = db(eRec / ePlay)

	found := d.ratio >= SpeakerMinPeakRatio && r.CouplingDB >= SpeakerMinCouplingDB
	if found {
		r.DelayMS = d.delay * 1000 / Rate
		r.BandsDB = d.bands()
	} else {
		lag = 0
	}

	clipped, total := 0, 0
	for i := start + lag; i < end+lag && i < len(recorded); i++ {
		total++
		if x := recorded[i]; x >= ClipLevel || x <= -ClipLevel {
			clipped++
		}
	}
	if total > 0 {
		r.ClipFraction = float64(clipped) / float64(total)
	}

	if !found {
		r.Problems = append(r.Problems, Problem{CheckSpeaker, fmt.Sprintf(
			"the microphone does not hear the speaker: speaker dead, unplugged or muted (coupling %.1f dB, correlation peak %.1f times its median)",
			r.CouplingDB, d.ratio)})
	}
	if r.ClipFraction > ClipMaxFraction {
		r.Problems = append(r.Problems, Problem{CheckClipping, fmt.Sprintf(
			"%.2f %% of the recorded sweep is clipped: the speaker is too loud for the microphone, or the microphone gain is too high",
			100*r.ClipFraction)})
	}
	if math.Abs(r.DCOffset) > DCMaxOffset {
		r.Problems = append(r.Problems, Problem{CheckDCOffset, fmt.Sprintf(
			"the microphone signal has a DC offset of %.1f %% of full scale: faulty microphone bias or ADC",
			100*r.DCOffset)})
	}
	if r.HumDB > HumMaxDB && hum.levelDBFS > HumMinDBFS {
		r.HumHz = humHz
		r.Problems = append(r.Problems, Problem{CheckHum, fmt.Sprintf(
			"%d Hz mains hum, %.1f dB over the rest of the noise (%.1f dBFS): check the grounding and the microphone cable",
			humHz, r.HumDB, hum.levelDBFS)})
	}
	if r.NoiseFloorDBFS > NoiseMaxDBFS {
		r.Problems = append(r.Problems, Problem{CheckNoise, fmt.Sprintf(
			"the microphone noise floor is %.1f dBFS: a voice would be only %.1f dB above it",
			r.NoiseFloorDBFS, r.SNRVoiceDB)})
	}
	if found && r.DelayMS > DelayMaxMS {
		r.Problems = append(r.Problems, Problem{CheckDelay, fmt.Sprintf(
			"the acoustic round trip is %.0f ms, beyond the echo canceller's %.0f ms",
			r.DelayMS, DelayMaxMS)})
	}
	return r, nil
}

type humLevel struct{ ratioDB, levelDBFS float64 }

// humDB measures mains hum in the noise window x (mean m): the power of
// the lines at 50 and 100 Hz, and at 60 and 120 Hz, from a Hann-windowed
// spectrum, against the power of the rest of the window. It returns the
// stronger family and its frequency.
func humDB(x []float64, m float64) (humLevel, int) {
	w := len(x)
	nfft := nextPow2(max(w, 8192))
	buf := make([]complex128, nfft)
	var sw2, total float64
	for i, v := range x {
		win := 0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(w))
		buf[i] = complex((v-m)*win, 0)
		sw2 += win * win
		total += (v - m) * (v - m) * win * win
	}
	if sw2 == 0 {
		return humLevel{MinDB, MinDB}, 0
	}
	total /= sw2
	fft(buf, false)
	binHz := float64(Rate) / float64(nfft)
	half := max(5, 2*float64(Rate)/float64(w)) // the Hann main lobe
	line := func(f float64) float64 {
		var p float64
		lo, hi := int(math.Ceil((f-half)/binHz)), int(math.Floor((f+half)/binHz))
		for k := max(lo, 1); k <= hi && k < nfft/2; k++ {
			c := buf[k]
			p += 2 * (real(c)*real(c) + imag(c)*imag(c))
		}
		return p / (float64(nfft) * sw2)
	}
	best, hz := 0.0, 0
	for _, f := range []int{50, 60} {
		if p := line(float64(f)) + line(2*float64(f)); p > best {
			best, hz = p, f
		}
	}
	if best <= 0 {
		return humLevel{MinDB, MinDB}, 0
	}
	rest := total - best
	if rest < total*1e-10 {
		rest = total * 1e-10
	}
	return humLevel{db(best / rest), db(best / (fs * fs))}, hz
}

// deconv is the impulse response from the played signal to the recording.
type deconv struct {
	h      []float64 // the response, circular: lag -k is at len(h)-k
	peak   int       // the lag of the largest |h| in 0..MaxDelay
	delay  float64   // peak refined by parabolic interpolation, samples
	ratio  float64   // |h[peak]| over the median |h| in 0..MaxDelay
	lo, hi float64   // the band the played signal covers, Hz
}

// deconvolve returns the impulse response h = IFFT(R P* / (|P|^2 + eps)),
// with eps 30 dB under the peak of |P|^2 (Tikhonov regularisation: where
// the played signal has no energy, h gets none either). The FFTs are
// long enough that the response does not wrap onto itself.
func deconvolve(played []int16, rec []float64) deconv {
	n := nextPow2(len(played) + len(rec))
	p := make([]complex128, n)
	for i, x := range played {
		p[i] = complex(float64(x), 0)
	}
	q := make([]complex128, n)
	for i, x := range rec {
		q[i] = complex(x, 0)
	}
	fft(p, false)
	fft(q, false)
	var pmax float64
	for _, c := range p[:n/2+1] {
		pmax = max(pmax, real(c)*real(c)+imag(c)*imag(c))
	}
	eps := pmax * 1e-3
	d := deconv{lo: -1}
	binHz := float64(Rate) / float64(n)
	for k, c := range p {
		m := real(c)*real(c) + imag(c)*imag(c)
		q[k] = q[k] * complex(real(c), -imag(c)) / complex(m+eps, 0)
		if k <= n/2 && m >= eps {
			if d.lo < 0 {
				d.lo = float64(k) * binHz
			}
			d.hi = float64(k) * binHz
		}
	}
	fft(q, true)
	d.h = make([]float64, n)
	for i, c := range q {
		d.h[i] = real(c)
	}
	last := min(MaxDelay, len(rec)-1)
	mag := make([]float64, last+1)
	for i := range mag {
		mag[i] = math.Abs(d.h[i])
		if mag[i] > mag[d.peak] {
			d.peak = i
		}
	}
	d.delay = float64(d.peak)
	if d.peak > 0 && d.peak < last {
		a, b, c := mag[d.peak-1], mag[d.peak], mag[d.peak+1]
		if den := a - 2*b + c; den < 0 {
			d.delay += 0.5 * (a - c) / den
		}
	}
	top := mag[d.peak]
	slices.Sort(mag)
	med := mag[len(mag)/2]
	switch {
	case top == 0:
		d.ratio = 0
	case med == 0:
		d.ratio = 1e6
	default:
		d.ratio = min(1e6, top/med)
	}
	return d
}

// The window of the impulse response taken for the frequency response.
const (
	irPre  = 64   // samples before the peak (8 ms)
	irPost = 1024 // samples after the peak (128 ms)
	irFFT  = 2048
	irRise = 32  // raised-cosine rise at the start
	irFall = 256 // raised-cosine fall at the end
)

// bands returns the response in the bands, dB relative to the 1 kHz band,
// from the windowed impulse response around its peak. A band is cut to
// the band the played signal covers; one it does not cover is left out,
// and all are when the 1 kHz band is.
func (d deconv) bands() []Band {
	buf := make([]complex128, irFFT)
	n := len(d.h)
	for j := range irPre + irPost {
		g := 1.0
		if j < irRise {
			g = 0.5 - 0.5*math.Cos(math.Pi*(float64(j)+0.5)/irRise)
		} else if m := irPre + irPost - 1 - j; m < irFall {
			g = 0.5 - 0.5*math.Cos(math.Pi*(float64(m)+0.5)/irFall)
		}
		buf[j] = complex(g*d.h[((d.peak-irPre+j)%n+n)%n], 0)
	}
	fft(buf, false)
	binHz := float64(Rate) / irFFT
	pow := make([]float64, len(bands))
	ref := -1.0
	for i, b := range bands {
		lo, hi := max(b.lo, d.lo), min(b.hi, d.hi)
		var p float64
		cnt := 0
		for k := int(math.Ceil(lo / binHz)); float64(k)*binHz <= hi && k <= irFFT/2; k++ {
			c := buf[k]
			p += real(c)*real(c) + imag(c)*imag(c)
			cnt++
		}
		pow[i] = -1
		if cnt > 0 {
			pow[i] = p / float64(cnt)
		}
		if b.hz == 1000 {
			ref = pow[i]
		}
	}
	out := []Band{}
	if !(ref > 0) {
		return out
	}
	for i, b := range bands {
		if pow[i] >= 0 {
			out = append(out, Band{b.hz, db(pow[i] / ref)})
		}
	}
	return out
}
