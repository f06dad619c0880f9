package voicemail

import (
	"context"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// speech is 1 s of a speech-like signal: low-passed noise, about -16 dBFS
// RMS, its loudness swinging at 4 Hz between 10 % and 100 % (syllables).
// Noise, unlike a tone, correlates with itself only at lag 0.
var speech = func() []int16 {
	rng := rand.New(rand.NewPCG(7, 11))
	out := make([]int16, Rate)
	var lp float64
	for i := range out {
		lp += 0.5 * (rng.NormFloat64()*9000 - lp)
		env := 0.55 + 0.45*math.Sin(2*math.Pi*4*float64(i)/Rate)
		out[i] = int16(max(-32768, min(32767, lp*env)))
	}
	return out
}()

// quiet is the background of an empty street: noise of about -68 dBFS,
// far under the VAD's -55 dBFS.
func quiet(i int64) int16 {
	x := uint64(i)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	x ^= x >> 29
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 32
	return int16(x%25) - 12
}

// speechAt returns a generator: quiet, then speech from sample from for n
// samples (repeating the 1 s of speech), then quiet (n < 0: speech
// forever).
func speechAt(from, n int64) func(int64) int16 {
	return func(i int64) int16 {
		if i >= from && (n < 0 || i < from+n) {
			return speech[(i-from)%int64(len(speech))]
		}
		return quiet(i)
	}
}

// fakeSource gives the samples of gen as fast as it is read.
type fakeSource struct {
	gen    func(int64) int16
	chunk  int           // most samples a Read gives (0: len(dst); <0: none)
	end    int64         // >0: after this many samples, Read returns err
	err    error         // what Read returns at end (nil: io.EOF)
	delay  time.Duration // sleep before each Read
	onRead func(pos int64)

	mu  sync.Mutex
	pos int64 // samples given
}

func (s *fakeSource) Read(ctx context.Context, dst []int16) (int, error) {
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onRead != nil {
		s.onRead(s.pos)
	}
	if s.end > 0 && s.pos >= s.end {
		if s.err != nil {
			return 0, s.err
		}
		return 0, io.EOF
	}
	n := len(dst)
	if s.chunk < 0 {
		return 0, nil
	}
	if s.chunk > 0 {
		n = min(n, s.chunk)
	}
	if s.end > 0 {
		n = int(min(int64(n), s.end-s.pos))
	}
	for i := range dst[:n] {
		dst[i] = s.gen(s.pos + int64(i))
	}
	s.pos += int64(n)
	return n, nil
}

func (s *fakeSource) given() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pos
}

// blockingSource gives speech for its first second, then blocks until ctx
// ends; reading is closed when it first blocks.
type blockingSource struct {
	fakeSource
	once    sync.Once
	reading chan struct{}
}

func newBlockingSource() *blockingSource {
	return &blockingSource{fakeSource: fakeSource{gen: speechAt(Rate/5, Rate)}, reading: make(chan struct{})}
}

func (s *blockingSource) Read(ctx context.Context, dst []int16) (int, error) {
	if s.given() < 2*Rate {
		return s.fakeSource.Read(ctx, dst)
	}
	s.once.Do(func() { close(s.reading) })
	<-ctx.Done()
	return 0, ctx.Err()
}
