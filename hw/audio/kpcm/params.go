//go:build linux

package kpcm

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"
)

// Format is a sample format the package can convert (SNDRV_PCM_FORMAT_*).
type Format int

// The formats tried, in this order: the card's own S16 first, then the
// wider ones that USB and HDMI devices often offer alone.
const (
	S16LE   Format = 2
	S24LE   Format = 6 // 24 bits in the low three bytes of four
	S32LE   Format = 10
	FloatLE Format = 14
	S243LE  Format = 32 // 24 bits in three bytes
)

var formatOrder = []Format{S16LE, S32LE, S24LE, S243LE, FloatLE}

func (f Format) String() string {
	switch f {
	case S16LE:
		return "S16_LE"
	case S24LE:
		return "S24_LE"
	case S32LE:
		return "S32_LE"
	case FloatLE:
		return "FLOAT_LE"
	case S243LE:
		return "S24_3LE"
	}
	return fmt.Sprintf("format %d", int(f))
}

// Bytes is the size of one sample.
func (f Format) Bytes() int {
	switch f {
	case S16LE:
		return 2
	case S243LE:
		return 3
	}
	return 4
}

// Want is what the caller would like: the device may give something else
// (Params), and the caller converts.
type Want struct {
	Rate     int // Hz
	Channels int
	Period   int // frames at Rate: the transfer unit
	Periods  int // periods in the ring buffer (0: 4)
}

// Params is the configuration the device accepted.
type Params struct {
	Format   Format
	Channels int
	Rate     int
	Period   int // frames per period
	Buffer   int // frames in the ring buffer
}

// FrameBytes is the size of one frame.
func (p Params) FrameBytes() int { return p.Format.Bytes() * p.Channels }

// ErrNoFormat: the device offers no sample format the package converts.
var ErrNoFormat = errors.New("kpcm: the device accepts none of S16_LE, S32_LE, S24_LE, S24_3LE, FLOAT_LE with interleaved access")

// refiner narrows a parameter space as the kernel's HW_REFINE does; the
// real one is an ioctl, tests give a simulated card.
type refiner func(*hwParams) error

func anyParams() hwParams {
	var p hwParams
	for i := range p.Masks {
		for j := range p.Masks[i].Bits {
			p.Masks[i].Bits[j] = math.MaxUint32
		}
	}
	for i := range p.Intervals {
		p.Intervals[i] = interval{Min: 0, Max: math.MaxUint32}
	}
	p.Rmask = math.MaxUint32
	return p
}

func (p *hwParams) setMask(param int, v int) {
	var m mask
	m.Bits[v/32] = 1 << (v % 32)
	p.Masks[param] = m
}

func (p *hwParams) maskHas(param, v int) bool {
	return p.Masks[param].Bits[v/32]&(1<<(v%32)) != 0
}

func (p *hwParams) interval(param int) *interval { return &p.Intervals[param-paramFirstInterval] }

// value is the interval's smallest value (its only one once the
// parameters are chosen).
func (i interval) value() int {
	v := i.Min
	if i.Flags&intervalOpenMin != 0 {
		v++
	}
	return int(v)
}

// contains reports whether v is in the interval.
func (i interval) contains(v uint32) bool {
	if i.Flags&intervalEmpty != 0 {
		return false
	}
	lo, hi := i.Min, i.Max
	if i.Flags&intervalOpenMin != 0 {
		lo++
	}
	if i.Flags&intervalOpenMax != 0 && hi > 0 {
		hi--
	}
	return v >= lo && v <= hi
}

func (p *hwParams) setRange(param int, lo, hi uint32) {
	*p.interval(param) = interval{Min: lo, Max: hi, Flags: intervalInteger}
}

// try applies set to a copy of *p and keeps it if the device accepts it.
func try(refine refiner, p *hwParams, set func(*hwParams)) bool {
	q := *p
	set(&q)
	q.Rmask = math.MaxUint32
	if refine(&q) != nil {
		return false
	}
	*p = q
	return true
}

// negotiate narrows the parameter space to what want asks, giving way
// where the device cannot: interleaved access (required), the first format
// of formatOrder it has, want.Channels or else its fewest channels, the
// rate or else the nearest it has (preferring a multiple of the rate),
// the period (in time) or the nearest above, and about want.Periods
// periods of buffer (at least two).
func negotiate(refine refiner, want Want) (hwParams, error) {
	p := anyParams()
	if err := refine(&p); err != nil {
		return p, fmt.Errorf("kpcm: the device refuses any configuration: %w", err)
	}
	if !try(refine, &p, func(q *hwParams) { q.setMask(paramAccess, accessRWInterleaved) }) {
		return p, ErrNoFormat
	}
	try(refine, &p, func(q *hwParams) { q.setMask(paramSubformat, subformatStd) })
	ok := false
	for _, f := range formatOrder {
		if p.maskHas(paramFormat, int(f)) && try(refine, &p, func(q *hwParams) { q.setMask(paramFormat, int(f)) }) {
			ok = true
			break
		}
	}
	if !ok {
		return p, ErrNoFormat
	}
	if !try(refine, &p, func(q *hwParams) { q.setRange(paramChannels, uint32(want.Channels), uint32(want.Channels)) }) {
		lo := p.interval(paramChannels).value()
		if !try(refine, &p, func(q *hwParams) { q.setRange(paramChannels, uint32(lo), uint32(lo)) }) {
			return p, fmt.Errorf("kpcm: no channel count accepted (device offers %d-%d)", lo, p.interval(paramChannels).Max)
		}
	}
	rate, ok := pickRate(refine, &p, want.Rate)
	if !ok {
		return p, fmt.Errorf("kpcm: no sample rate accepted (device offers %d-%d Hz)", p.interval(paramRate).value(), p.interval(paramRate).Max)
	}
	// The period at the device's rate, as long in time as the one wanted.
	period := uint32(max(int64(want.Period)*int64(rate)/int64(max(want.Rate, 1)), 16))
	if !try(refine, &p, func(q *hwParams) { q.setRange(paramPeriodSize, period, period) }) &&
		(try(refine, &p, func(q *hwParams) { q.setRange(paramPeriodSize, period, math.MaxUint32) }) ||
			try(refine, &p, func(q *hwParams) { q.setRange(paramPeriodSize, 0, period) })) {
		pin(refine, &p, paramPeriodSize, period)
	}
	periods := uint32(want.Periods)
	if periods == 0 {
		periods = 4
	}
	if !try(refine, &p, func(q *hwParams) { q.setRange(paramPeriods, periods, periods) }) &&
		(try(refine, &p, func(q *hwParams) { q.setRange(paramPeriods, 2, periods*2) }) ||
			try(refine, &p, func(q *hwParams) { q.setRange(paramPeriods, 2, math.MaxUint32) })) {
		pin(refine, &p, paramPeriods, periods)
	}
	return p, nil
}

// pin fixes param at the value of its range nearest to v. Left a range,
// HW_PARAMS takes the shortest period and the largest buffer: 32 frames
// of a card's 32-256 when 480 were asked, 1024 periods of its 16-1024.
func pin(refine refiner, p *hwParams, param int, v uint32) {
	iv := *p.interval(param)
	lo, hi := iv.Min, iv.Max
	if iv.Flags&intervalOpenMin != 0 {
		lo++
	}
	if iv.Flags&intervalOpenMax != 0 && hi > 0 {
		hi--
	}
	n := min(max(v, lo), hi)
	try(refine, p, func(q *hwParams) { q.setRange(param, n, n) })
}

// commonRates are tried, nearest first, when the wanted rate is refused.
var commonRates = []int{48000, 44100, 32000, 16000, 96000, 22050, 24000, 11025, 8000, 88200, 192000}

func pickRate(refine refiner, p *hwParams, want int) (int, bool) {
	set := func(r int) bool {
		return try(refine, p, func(q *hwParams) { q.setRange(paramRate, uint32(r), uint32(r)) })
	}
	if set(want) {
		return want, true
	}
	// a multiple of the wanted rate resamples exactly; then the nearest
	for _, r := range commonRates {
		if r > want && r%want == 0 && set(r) {
			return r, true
		}
	}
	near := slices.Clone(commonRates)
	slices.SortStableFunc(near, func(a, b int) int { return abs(a-want) - abs(b-want) })
	for _, r := range near {
		if p.interval(paramRate).contains(uint32(r)) && set(r) {
			return r, true
		}
	}
	lo := p.interval(paramRate).value()
	if lo >= 4000 && lo <= 192000 && set(lo) {
		return lo, true
	}
	return 0, false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// maxChannels is the most channels a device may give for mono.
const maxChannels = 32

// chosen reads the configuration out of parameters the kernel has fixed.
func chosen(p *hwParams) (Params, error) {
	var f Format = -1
	for _, c := range formatOrder {
		if p.maskHas(paramFormat, int(c)) {
			f = c
			break
		}
	}
	out := Params{Format: f, Channels: p.interval(paramChannels).value(), Rate: p.interval(paramRate).value(),
		Period: p.interval(paramPeriodSize).value(), Buffer: p.interval(paramBufferSize).value()}
	// Bounds on what the caller allocates: at most 32 channels and 2 s of
	// ring buffer.
	if f < 0 || out.Channels <= 0 || out.Channels > maxChannels || out.Rate < 4000 || out.Rate > 192000 ||
		out.Period <= 0 || out.Buffer < out.Period || out.Buffer > 2*out.Rate {
		return out, fmt.Errorf("kpcm: the kernel chose an unusable configuration %+v", out)
	}
	return out, nil
}

// kernelRefiner is the HW_REFINE ioctl on fd.
func kernelRefiner(fd int) refiner {
	return func(p *hwParams) error { return ioctlPtr(fd, ioctlHWRefine, unsafe.Pointer(p)) }
}

// boundary is where the kernel's frame pointers wrap: the buffer size
// doubled while it stays below LONG_MAX less a buffer (as the kernel and
// alsa-lib compute it).
func boundary(buffer uint) uint {
	limit := uint(math.MaxInt) - buffer
	b := buffer
	for b*2 <= limit && b*2 > b {
		b *= 2
	}
	return b
}
