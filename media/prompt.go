package media

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/skoip/skoip/media/dsp"
)

// Prompt is an announcement (doorbell, busy, ringtone) decoded once into
// mono int16 samples at the rate the audio path needs. It is immutable and
// may be played by several readers at once.
type Prompt struct {
	name    string
	rate    int
	samples []int16

	mu    sync.Mutex
	other map[int]*Prompt // converted copies by rate (At)
}

// LoadPrompt reads the WAV file at path (see package wav for the formats
// and limits), mixes it down to mono and converts it to rate Hz. A prompt
// may last at most wav.MaxPromptDuration. Errors name the file and say
// what is wrong with it.
func LoadPrompt(path string, rate int) (*Prompt, error) {
	return NewPromptSet(rate).Load(path)
}

// NewPrompt wraps samples already at rate Hz (a generated tone, a test
// signal). The Prompt keeps the slice: do not modify it afterwards.
func NewPrompt(name string, rate int, samples []int16) *Prompt {
	return &Prompt{name: name, rate: rate, samples: samples}
}

// Name returns the file the prompt came from (or the name given to NewPrompt).
func (p *Prompt) Name() string { return p.name }

// Samples returns the mono samples; callers must not modify them.
func (p *Prompt) Samples() []int16 { return p.samples }

// Rate returns the sample rate of Samples, Hz.
func (p *Prompt) Rate() int { return p.rate }

// Duration returns how long the prompt plays.
func (p *Prompt) Duration() time.Duration {
	if p.rate <= 0 {
		return 0
	}
	return time.Duration(int64(len(p.samples)) * int64(time.Second) / int64(p.rate))
}

// At returns the prompt at rate Hz: itself, or a copy resampled once
// (from the prompt's own samples) and kept for the next call.
func (p *Prompt) At(rate int) (*Prompt, error) {
	if rate == p.rate {
		return p, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if q, ok := p.other[rate]; ok {
		return q, nil
	}
	s, err := convertRate(p.samples, p.rate, rate)
	if err != nil {
		return nil, fmt.Errorf("prompt %s: %w", p.name, err)
	}
	if p.other == nil {
		p.other = make(map[int]*Prompt, 1)
	}
	q := NewPrompt(p.name, rate, s)
	p.other[rate] = q
	return q, nil
}

// NewReader returns a reader positioned at the start of the prompt.
func (p *Prompt) NewReader() *PromptReader { return &PromptReader{p: p} }

// convertRate resamples a signal held in memory, compensating the filter's
// delay so that the output starts with the input and has the same
// duration. Tests build device signals with it; WAV files are converted as
// they are read, by wav.ReadAll.
func convertRate(s []int16, from, to int) ([]int16, error) {
	if from == to {
		return s, nil
	}
	r, err := dsp.NewResampler(from, to)
	if err != nil {
		return nil, fmt.Errorf("cannot convert %d Hz to %d Hz: %w", from, to, err)
	}
	want := int((int64(len(s))*int64(to) + int64(from) - 1) / int64(from))
	lead := int(math.Round(r.Delay().Seconds() * float64(to)))
	zeros := make([]int16, from/100+1)
	// Room for the signal, the filter's delay and one flush: the output is
	// allocated once, at its size, for a prompt lives as long as the
	// process (with room for the signal twice over, the built-in prompts
	// at 16 kHz held 0.95 MB of heap instead of 0.47 MB).
	out := make([]int16, 0, want+lead+r.MaxOut(len(zeros)))
	for len(s) > 0 {
		n := min(len(s), convertChunk)
		out = r.Process(out, s[:n])
		s = s[n:]
	}
	for len(out) < want+lead {
		out = r.Process(out, zeros) // flush the filter's tail
	}
	return out[lead : want+lead : want+lead], nil
}

// convertChunk is how much of a prompt convertRate resamples at a time:
// what fits the Resampler's own buffer, which would otherwise grow to the
// whole signal as float32 (1.4 MB allocated for the built-in prompts).
const convertChunk = 4096

// PromptReader yields a prompt frame by frame for mixing into the audio
// path. It allocates nothing and is not safe for concurrent use.
type PromptReader struct {
	p   *Prompt
	pos int
}

// NextFrame copies the next len(dst) samples into dst and returns how many
// it copied: less than len(dst) for the last frame, 0 once the prompt has
// ended. The rest of dst is left untouched.
func (r *PromptReader) NextFrame(dst []int16) int {
	n := copy(dst, r.p.samples[r.pos:])
	r.pos += n
	return n
}

// MixFrame adds the next len(dst) samples, scaled by gain, into dst with
// saturation, and returns how many it added (0 once the prompt has ended).
func (r *PromptReader) MixFrame(dst []int16, gain float32) int {
	src := r.p.samples[r.pos:]
	n := min(len(dst), len(src))
	dsp.MixInto(dst[:n], src[:n], gain)
	r.pos += n
	return n
}

// Done reports whether every sample has been read.
func (r *PromptReader) Done() bool { return r.pos >= len(r.p.samples) }

// Rewind starts the prompt again (for looping a ringtone).
func (r *PromptReader) Rewind() { r.pos = 0 }
