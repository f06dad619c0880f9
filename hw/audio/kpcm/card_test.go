//go:build linux

package kpcm

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// card is a simulated sound card for negotiate: the constraints its driver
// puts on the parameters that negotiate sets, applied as the kernel's
// HW_REFINE applies them.
type card struct {
	formats   []Format // SNDRV_PCM_FORMAT_* (0-63), those it cannot convert too
	access    []int    // SNDRV_PCM_ACCESS_*; nil: MMAP_INTERLEAVED (0) and RW_INTERLEAVED (3)
	channels  [2]uint32
	rates     []uint32 // the rates it has, ascending; nil: any in rateRange
	rateRange [2]uint32
	period    [2]uint32 // period size in frames (min at least 1)
	pow2      bool      // period sizes are powers of two only
	periods   [2]uint32 // min at least 1
	maxBuffer uint32    // frames; 0: no limit but period × periods
	refuseAll bool      // EINVAL to everything, even the full space
}

// span is a closed interval of integers, empty when lo > hi.
type span struct{ lo, hi uint64 }

// spanOf reads an interval, its open bounds closed as the kernel closes
// those of an integer parameter.
func spanOf(i interval) span {
	s := span{uint64(i.Min), uint64(i.Max)}
	if i.Flags&intervalEmpty != 0 || (i.Flags&intervalOpenMax != 0 && s.hi == 0) {
		return span{1, 0}
	}
	if i.Flags&intervalOpenMin != 0 {
		s.lo++
	}
	if i.Flags&intervalOpenMax != 0 {
		s.hi--
	}
	return s
}

func (s span) and(lo, hi uint64) span { return span{max(s.lo, lo), min(s.hi, hi)} }
func (s span) empty() bool            { return s.lo > s.hi }

// onList narrows s to its first and last values that are on the list
// (ascending), as the kernel's list constraints do.
func (s span) onList(list []uint64) span {
	out := span{1, 0}
	for _, v := range list {
		if v >= s.lo && v <= s.hi {
			if out.empty() {
				out.lo = v
			}
			out.hi = v
		}
	}
	return out
}

func ceilDiv(a, b uint64) uint64 { return (a + b - 1) / b }

// keepMask leaves in m only the values of vals; false if none is left.
func keepMask(m *mask, vals []int) bool {
	var allowed mask
	for _, v := range vals {
		allowed.Bits[v/32] |= 1 << (v % 32)
	}
	left := false
	for i := range m.Bits {
		m.Bits[i] &= allowed.Bits[i]
		left = left || m.Bits[i] != 0
	}
	return left
}

func (c *card) periodSizes() []uint64 {
	var out []uint64
	for v := uint64(1); v <= uint64(c.period[1]); v *= 2 {
		if v >= uint64(c.period[0]) {
			out = append(out, v)
		}
	}
	return out
}

// refine is HW_REFINE: the request intersected with what the card has,
// and the period size, periods and buffer size narrowed until they agree
// (buffer = period size × periods); EINVAL when a parameter is left empty.
func (c *card) refine(p *hwParams) error {
	if c.refuseAll {
		return unix.EINVAL
	}
	access := c.access
	if access == nil {
		access = []int{0, accessRWInterleaved}
	}
	var formats []int
	for _, f := range c.formats {
		formats = append(formats, int(f))
	}
	if !keepMask(&p.Masks[paramAccess], access) || !keepMask(&p.Masks[paramFormat], formats) ||
		!keepMask(&p.Masks[paramSubformat], []int{subformatStd}) {
		return unix.EINVAL
	}
	ch := spanOf(*p.interval(paramChannels)).and(uint64(c.channels[0]), uint64(c.channels[1]))
	rate := spanOf(*p.interval(paramRate))
	if c.rates != nil {
		var list []uint64
		for _, r := range c.rates {
			list = append(list, uint64(r))
		}
		rate = rate.onList(list)
	} else {
		rate = rate.and(uint64(c.rateRange[0]), uint64(c.rateRange[1]))
	}
	size := spanOf(*p.interval(paramPeriodSize)).and(uint64(c.period[0]), uint64(c.period[1]))
	n := spanOf(*p.interval(paramPeriods)).and(uint64(c.periods[0]), uint64(c.periods[1]))
	buf := spanOf(*p.interval(paramBufferSize))
	if c.maxBuffer > 0 {
		buf = buf.and(0, uint64(c.maxBuffer))
	}
	for range 1000 {
		if c.pow2 {
			size = size.onList(c.periodSizes())
		}
		if size.empty() || n.empty() || buf.empty() {
			break
		}
		was := [3]span{size, n, buf}
		buf = buf.and(size.lo*n.lo, size.hi*n.hi)
		n = n.and(ceilDiv(buf.lo, size.hi), buf.hi/size.lo)
		size = size.and(ceilDiv(buf.lo, max(n.hi, 1)), buf.hi/max(n.lo, 1))
		if [3]span{size, n, buf} == was {
			break
		}
	}
	for _, s := range []struct {
		param int
		s     span
	}{{paramChannels, ch}, {paramRate, rate}, {paramPeriodSize, size}, {paramPeriods, n}, {paramBufferSize, buf}} {
		if s.s.empty() {
			return unix.EINVAL
		}
		*p.interval(s.param) = interval{Min: uint32(s.s.lo), Max: uint32(min(s.s.hi, math.MaxUint32)), Flags: intervalInteger}
	}
	return nil
}

// hwParams is HW_PARAMS: refine, then fix each parameter as the kernel's
// snd_pcm_hw_params_choose does, refining after each: the first access,
// format and subformat, the fewest channels, the lowest rate, the shortest
// period (time, at a rate now fixed), then the largest buffer.
func (c *card) hwParams(p *hwParams) error {
	if err := c.refine(p); err != nil {
		return err
	}
	for _, m := range []int{paramAccess, paramFormat, paramSubformat} {
		first := 0
		for !p.maskHas(m, first) {
			first++
		}
		p.setMask(m, first)
		if err := c.refine(p); err != nil {
			return err
		}
	}
	for _, param := range []int{paramChannels, paramRate, paramPeriodSize, paramBufferSize} {
		v := p.interval(param).Min
		if param == paramBufferSize {
			v = p.interval(param).Max
		}
		p.setRange(param, v, v)
		if err := c.refine(p); err != nil {
			return err
		}
	}
	return nil
}

// open negotiates want with the card, then sets the parameters as
// HW_PARAMS would, and returns what chosen reads from them.
func (c *card) open(t testing.TB, want Want) (Params, error) {
	t.Helper()
	hw, err := negotiate(c.refine, want)
	if err != nil {
		return Params{}, err
	}
	if err := c.hwParams(&hw); err != nil {
		t.Fatalf("%+v: HW_PARAMS refused the space HW_REFINE accepted: %v", c, err)
	}
	return chosen(&hw)
}

// allows says why the card could not run p, or nil if it can.
func (c *card) allows(p Params) error {
	periods := uint32(p.Buffer / max(p.Period, 1))
	switch {
	case !slices.Contains(c.formats, p.Format):
		return fmt.Errorf("format %v: the card has %v", p.Format, c.formats)
	case uint32(p.Channels) < c.channels[0] || uint32(p.Channels) > c.channels[1]:
		return fmt.Errorf("%d channels: the card has %v", p.Channels, c.channels)
	case c.rates != nil && !slices.Contains(c.rates, uint32(p.Rate)):
		return fmt.Errorf("%d Hz: the card has %v", p.Rate, c.rates)
	case c.rates == nil && (uint32(p.Rate) < c.rateRange[0] || uint32(p.Rate) > c.rateRange[1]):
		return fmt.Errorf("%d Hz: the card has %v", p.Rate, c.rateRange)
	case uint32(p.Period) < c.period[0] || uint32(p.Period) > c.period[1] || c.pow2 && p.Period&(p.Period-1) != 0:
		return fmt.Errorf("period %d: the card has %v (powers of two: %v)", p.Period, c.period, c.pow2)
	case p.Buffer%p.Period != 0 || periods < c.periods[0] || periods > c.periods[1]:
		return fmt.Errorf("buffer %d of periods %d: the card has %v periods", p.Buffer, p.Period, c.periods)
	case c.maxBuffer > 0 && uint32(p.Buffer) > c.maxBuffer:
		return fmt.Errorf("buffer %d: the card has at most %d", p.Buffer, c.maxBuffer)
	}
	return nil
}
