//go:build linux

package kpcm

import (
	"errors"
	"math"
	"math/bits"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// usbHeadset is a typical USB audio device: S16_LE, mono or stereo, 44.1
// and 48 kHz only.
func usbHeadset() *card {
	return &card{formats: []Format{S16LE}, channels: [2]uint32{1, 2}, rates: []uint32{44100, 48000},
		period: [2]uint32{48, 48000}, periods: [2]uint32{2, 1024}}
}

// anyCard is a card that takes everything negotiate asks for, in one
// format and a given channel count.
func anyCard(f Format, channels uint32, rates ...uint32) *card {
	return &card{formats: []Format{f}, channels: [2]uint32{channels, channels}, rates: rates,
		period: [2]uint32{16, 1 << 20}, periods: [2]uint32{2, 64}}
}

// tenMs asks for mono at rate, in four periods of 10 ms.
func tenMs(rate int) Want { return Want{Rate: rate, Channels: 1, Period: rate / 100, Periods: 4} }

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		name string
		card *card
		want Want
		got  Params
	}{
		{"USB at its own rate", usbHeadset(), tenMs(48000), Params{S16LE, 1, 48000, 480, 1920}},
		{"USB at 44.1 kHz", usbHeadset(), tenMs(44100), Params{S16LE, 1, 44100, 441, 1764}},
		{"USB stereo", usbHeadset(), Want{Rate: 48000, Channels: 2, Period: 960, Periods: 3}, Params{S16LE, 2, 48000, 960, 2880}},
		{"16 kHz on USB: a multiple", usbHeadset(), tenMs(16000), Params{S16LE, 1, 48000, 480, 1920}},
		{"8 kHz on USB: a multiple", usbHeadset(), tenMs(8000), Params{S16LE, 1, 48000, 480, 1920}},
		{"22.05 kHz on USB: a multiple", usbHeadset(), tenMs(22050), Params{S16LE, 1, 44100, 440, 1760}},
		{"periods 0 means 4", usbHeadset(), Want{Rate: 48000, Channels: 1, Period: 240}, Params{S16LE, 1, 48000, 240, 960}},
		{"S32_LE stereo 44.1 kHz only", anyCard(S32LE, 2, 44100), tenMs(16000), Params{S32LE, 2, 44100, 441, 1764}},
		{"S24_3LE only", anyCard(S243LE, 2, 48000), tenMs(16000), Params{S243LE, 2, 48000, 480, 1920}},
		{"S24_LE only", anyCard(S24LE, 2, 48000), tenMs(48000), Params{S24LE, 2, 48000, 480, 1920}},
		{"FLOAT_LE only", anyCard(FloatLE, 1, 48000), tenMs(48000), Params{FloatLE, 1, 48000, 480, 1920}},
		{"a HAT's eight channels, six asked", anyCard(S32LE, 8, 48000), Want{Rate: 48000, Channels: 6, Period: 480}, Params{S32LE, 8, 48000, 480, 1920}},
		{"the fewest channels when mono is refused",
			&card{formats: []Format{S16LE}, channels: [2]uint32{2, 8}, rateRange: [2]uint32{8000, 96000}, period: [2]uint32{16, 8192}, periods: [2]uint32{2, 32}},
			tenMs(16000), Params{S16LE, 2, 16000, 160, 640}},
		{"S16_LE first among many formats",
			&card{formats: []Format{0, 1, S24LE, S16LE, S32LE, FloatLE, S243LE}, channels: [2]uint32{1, 2}, rateRange: [2]uint32{8000, 192000}, period: [2]uint32{16, 8192}, periods: [2]uint32{2, 32}},
			tenMs(8000), Params{S16LE, 1, 8000, 80, 320}},
		{"S32_LE before S24_LE", &card{formats: []Format{S24LE, S32LE, S243LE}, channels: [2]uint32{2, 2}, rates: []uint32{48000}, period: [2]uint32{16, 8192}, periods: [2]uint32{2, 32}},
			tenMs(48000), Params{S32LE, 2, 48000, 480, 1920}},
	} {
		got, err := c.card.open(t, c.want)
		if err != nil || got != c.got {
			t.Errorf("%s: %+v = %+v, %v; want %+v", c.name, c.want, got, err, c.got)
		}
	}
}

// Cards whose rates do not include the one asked for, nor a multiple:
// the nearest rate the card has.
func TestNegotiateNearestRate(t *testing.T) {
	four := []uint32{8000, 16000, 44100, 48000}
	for _, c := range []struct {
		rates []uint32
		want  int
		rate  int
	}{
		{four, 32000, 44100},
		{four, 24000, 48000},
		{four, 11025, 44100},
		{four, 12000, 48000},
		{[]uint32{44100}, 48000, 44100},
		{[]uint32{32000, 96000}, 48000, 96000},
		{[]uint32{22050, 44100}, 16000, 22050},
		{[]uint32{7350}, 8000, 7350}, // no common rate: the card's lowest
	} {
		got, err := anyCard(S16LE, 1, c.rates...).open(t, tenMs(c.want))
		if err != nil || got.Rate != c.rate {
			t.Errorf("%d Hz from a card of %v: %d Hz, %v; want %d", c.want, c.rates, got.Rate, err, c.rate)
		}
		if period := tenMs(c.want).Period * c.rate / c.want; err == nil && got.Period != period {
			t.Errorf("%d Hz from a card of %v: period %d, want as long as asked (%d)", c.want, c.rates, got.Period, period)
		}
	}
	// A card with a rate no resampler takes: an error, not a rate of 0.
	_, err := (&card{formats: []Format{S16LE}, channels: [2]uint32{1, 1}, rateRange: [2]uint32{1000, 2000},
		period: [2]uint32{16, 8192}, periods: [2]uint32{2, 32}}).open(t, tenMs(16000))
	if err == nil || !strings.Contains(err.Error(), "1000-2000 Hz") {
		t.Errorf("a card of 1-2 kHz: %v, want an error that says what it offers", err)
	}
}

// Cards that cannot take the period or the number of periods asked for:
// the nearest they allow, whatever the kernel picks from a range (the
// shortest period, the largest buffer).
func TestNegotiatePeriods(t *testing.T) {
	for _, c := range []struct {
		name   string
		card   *card
		want   Want
		period int
		buffer int
	}{
		{"periods 8-32: 8", &card{periods: [2]uint32{8, 32}}, tenMs(48000), 480, 8 * 480},
		{"periods 2-3: 3", &card{periods: [2]uint32{2, 3}}, tenMs(48000), 480, 3 * 480},
		{"periods 16-1024: 16", &card{periods: [2]uint32{16, 1024}}, tenMs(48000), 480, 16 * 480},
		{"periods 5 wanted, 2 only", &card{periods: [2]uint32{2, 2}}, Want{Rate: 48000, Channels: 1, Period: 480, Periods: 5}, 480, 960},
		{"buffer of 1500 frames: 3 periods", &card{periods: [2]uint32{2, 1024}, maxBuffer: 1500}, tenMs(48000), 480, 1440},
		{"powers of two from 256: the next above", &card{pow2: true, period: [2]uint32{256, 8192}}, tenMs(48000), 512, 2048},
		{"powers of two, 16 kHz asked", &card{pow2: true, period: [2]uint32{256, 8192}}, tenMs(16000), 512, 2048},
		{"powers of two, a period above them all: the largest", &card{pow2: true, period: [2]uint32{256, 8192}}, Want{Rate: 48000, Channels: 1, Period: 20000}, 8192, 4 * 8192},
		{"periods of 32-256 frames: the longest", &card{period: [2]uint32{32, 256}}, tenMs(48000), 256, 1024},
		{"periods of 1024 frames at least", &card{period: [2]uint32{1024, 65536}}, tenMs(48000), 1024, 4096},
	} {
		k := c.card
		k.formats, k.channels, k.rates = []Format{S16LE}, [2]uint32{1, 2}, []uint32{48000}
		if k.period == ([2]uint32{}) {
			k.period = [2]uint32{16, 1 << 20}
		}
		if k.periods == ([2]uint32{}) {
			k.periods = [2]uint32{2, 64}
		}
		got, err := k.open(t, c.want)
		if err != nil || got.Period != c.period || got.Buffer != c.buffer {
			t.Errorf("%s: %+v, %v; want period %d, buffer %d", c.name, got, err, c.period, c.buffer)
		}
	}
}

func TestNegotiateRefuses(t *testing.T) {
	u8s8 := &card{formats: []Format{0, 1}, channels: [2]uint32{1, 2}, rates: []uint32{8000, 48000}, period: [2]uint32{16, 8192}, periods: [2]uint32{2, 32}}
	_, err := u8s8.open(t, tenMs(8000))
	if !errors.Is(err, ErrNoFormat) || !strings.Contains(err.Error(), "S16_LE, S32_LE, S24_LE, S24_3LE, FLOAT_LE") {
		t.Errorf("a U8/S8 card: %v, want ErrNoFormat naming the formats", err)
	}
	big := &card{formats: []Format{3, 11, 15, 33}, channels: [2]uint32{2, 2}, rates: []uint32{48000}, period: [2]uint32{16, 8192}, periods: [2]uint32{2, 32}}
	if _, err := big.open(t, tenMs(48000)); !errors.Is(err, ErrNoFormat) {
		t.Errorf("a big-endian card: %v, want ErrNoFormat", err)
	}
	for _, access := range [][]int{{1, 4}, {0}, {2}} { // non-interleaved, mmap only, complex
		k := usbHeadset()
		k.access = access
		if _, err := k.open(t, tenMs(48000)); !errors.Is(err, ErrNoFormat) || !strings.Contains(err.Error(), "interleaved") {
			t.Errorf("a card with access %v: %v, want ErrNoFormat", access, err)
		}
	}
	_, err = (&card{refuseAll: true}).open(t, tenMs(48000))
	if !errors.Is(err, unix.EINVAL) || !strings.Contains(err.Error(), "refuses any configuration") {
		t.Errorf("a card that refuses everything: %v", err)
	}
}

// boundary is the kernel's rule (snd_pcm_hw_params, and pcm_compat.c's
// recalculate_boundary for 32-bit processes): the buffer size doubled
// while twice it stays at most LONG_MAX less the buffer size.
func TestBoundary(t *testing.T) {
	kernel := func(buffer uint) uint {
		b := buffer
		for b*2 <= uint(math.MaxInt)-buffer {
			b *= 2
		}
		return b
	}
	for _, buf := range []uint{1, 2, 3, 160, 441, 480, 1764, 1920, 4096, 1 << 20, 3 << 25, uint(math.MaxInt) / 3, uint(math.MaxInt) / 2, uint(math.MaxInt)} {
		b := boundary(buf)
		if b != kernel(buf) {
			t.Errorf("boundary(%d) = %d, kernel %d", buf, b, kernel(buf))
		}
		if b%buf != 0 || b > uint(math.MaxInt)-buf && b != buf {
			t.Errorf("boundary(%d) = %d: not a multiple of the buffer within LONG_MAX", buf, b)
		}
	}
	// The values: 1920 frames (four periods of 10 ms at 48 kHz) is 15 × 2^7.
	want := uint(15) << (bits.UintSize - 5) // the largest below 2^63 (2^31) less the buffer
	if b := boundary(1920); b != want {
		t.Errorf("boundary(1920) = %d, want %d", b, want)
	}
	if b := boundary(0); b != 0 {
		t.Errorf("boundary(0) = %d", b)
	}
}

func TestIntervalContainsAndValue(t *testing.T) {
	for _, c := range []struct {
		iv    interval
		in    []uint32
		out   []uint32
		value int
	}{
		{interval{Min: 10, Max: 20}, []uint32{10, 15, 20}, []uint32{0, 9, 21}, 10},
		{interval{Min: 10, Max: 20, Flags: intervalOpenMin}, []uint32{11, 20}, []uint32{10}, 11},
		{interval{Min: 10, Max: 20, Flags: intervalOpenMax}, []uint32{10, 19}, []uint32{20}, 10},
		{interval{Min: 10, Max: 20, Flags: intervalOpenMin | intervalOpenMax | intervalInteger}, []uint32{11, 19}, []uint32{10, 20}, 11},
		{interval{Min: 48000, Max: 48000, Flags: intervalInteger}, []uint32{48000}, []uint32{47999, 48001}, 48000},
		{interval{Min: 47999, Max: 48000, Flags: intervalOpenMin}, []uint32{48000}, []uint32{47999}, 48000},
		{interval{Min: 10, Max: 20, Flags: intervalEmpty}, nil, []uint32{10, 15, 20}, 10},
		{interval{Min: 0, Max: math.MaxUint32}, []uint32{0, math.MaxUint32}, nil, 0},
	} {
		for _, v := range c.in {
			if !c.iv.contains(v) {
				t.Errorf("%+v does not contain %d", c.iv, v)
			}
		}
		for _, v := range c.out {
			if c.iv.contains(v) {
				t.Errorf("%+v contains %d", c.iv, v)
			}
		}
		if v := c.iv.value(); v != c.value {
			t.Errorf("%+v: value %d, want %d", c.iv, v, c.value)
		}
	}
}

// chosen refuses what no caller can use: no format of the package's, no
// channels, a rate out of 4-192 kHz, a buffer shorter than a period.
func TestChosenRefusesUnusable(t *testing.T) {
	good := func() hwParams {
		var p hwParams
		p.setMask(paramFormat, int(S16LE))
		p.setRange(paramChannels, 1, 1)
		p.setRange(paramRate, 48000, 48000)
		p.setRange(paramPeriodSize, 480, 480)
		p.setRange(paramBufferSize, 1920, 1920)
		return p
	}
	p := good()
	if got, err := chosen(&p); err != nil || got != (Params{S16LE, 1, 48000, 480, 1920}) {
		t.Fatalf("chosen = %+v, %v", got, err)
	}
	for name, spoil := range map[string]func(*hwParams){
		"U8":          func(p *hwParams) { p.setMask(paramFormat, 1) },
		"no channels": func(p *hwParams) { p.setRange(paramChannels, 0, 0) },
		"1 kHz":       func(p *hwParams) { p.setRange(paramRate, 1000, 1000) },
		"384 kHz":     func(p *hwParams) { p.setRange(paramRate, 384000, 384000) },
		"no period":   func(p *hwParams) { p.setRange(paramPeriodSize, 0, 0) },
		"short ring":  func(p *hwParams) { p.setRange(paramBufferSize, 240, 240) },
		"64 channels": func(p *hwParams) { p.setRange(paramChannels, 64, 64) },
		"3 s of ring": func(p *hwParams) { p.setRange(paramBufferSize, 144000, 144000) },
	} {
		p := good()
		spoil(&p)
		if got, err := chosen(&p); err == nil || !strings.Contains(err.Error(), "unusable") {
			t.Errorf("%s: chosen = %+v, %v; want an error", name, got, err)
		}
	}
}

// fuzzRates are the rates a fuzzed card may have, ascending.
var fuzzRates = []uint32{4000, 5512, 8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000, 176400, 192000, 384000}

// Any card, any request that Open lets through: no panic, and either an
// error or a configuration that the card has and that keeps what it could
// keep of the request.
func FuzzNegotiate(f *testing.F) {
	f.Add(uint64(1)<<S16LE, uint8(1<<3), uint8(0), uint8(1), uint16(3<<8), uint32(0), uint32(0), uint32(47), uint32(48000), false, uint16(1), uint16(1023), uint32(0), uint32(16000), uint8(0), uint16(160), uint8(4))
	f.Add(uint64(1)<<S32LE|1<<S243LE, uint8(1<<3|1), uint8(1), uint8(0), uint16(0), uint32(8000), uint32(88000), uint32(255), uint32(8192), true, uint16(7), uint16(24), uint32(20000), uint32(8000), uint8(0), uint16(80), uint8(0))
	f.Add(uint64(3), uint8(1<<3), uint8(0), uint8(1), uint16(1<<9), uint32(0), uint32(0), uint32(15), uint32(4096), false, uint16(1), uint16(31), uint32(0), uint32(48000), uint8(1), uint16(480), uint8(2))
	f.Fuzz(func(t *testing.T, formats uint64, access, chLo, chSpan uint8, rateSet uint16, rateLo, rateSpan, periodLo, periodSpan uint32,
		pow2 bool, nLo, nSpan uint16, maxBuffer, wantRate uint32, wantCh uint8, wantPeriod uint16, wantPeriods uint8) {
		c := &card{access: []int{}, pow2: pow2, maxBuffer: maxBuffer % (1 << 24)}
		for i := range 64 {
			if formats&(1<<i) != 0 {
				c.formats = append(c.formats, Format(i))
			}
		}
		for i := range 5 {
			if access&(1<<i) != 0 {
				c.access = append(c.access, i)
			}
		}
		c.channels[0] = 1 + uint32(chLo)%8
		c.channels[1] = c.channels[0] + uint32(chSpan)%8
		for i, r := range fuzzRates {
			if rateSet&(1<<i) != 0 {
				c.rates = append(c.rates, r)
			}
		}
		c.rateRange[0] = rateLo % 400000
		c.rateRange[1] = c.rateRange[0] + rateSpan%400000
		c.period[0] = 1 + periodLo%(1<<16)
		c.period[1] = c.period[0] + periodSpan%(1<<20)
		c.periods[0] = 1 + uint32(nLo)%64
		c.periods[1] = c.periods[0] + uint32(nSpan)%2048
		want := Want{Rate: 1 + int(wantRate%400000), Channels: 1 + int(wantCh)%8, Period: 1 + int(wantPeriod)%(1<<14), Periods: int(wantPeriods) % 17}

		got, err := c.open(t, want)
		if err != nil {
			return
		}
		if err := c.allows(got); err != nil {
			t.Fatalf("card %+v, want %+v: %+v, which the card cannot run: %v", c, want, got, err)
		}
		switch {
		case slices.Contains(c.formats, S16LE) && got.Format != S16LE:
			t.Fatalf("card %+v: %v, not its S16_LE", c, got.Format)
		case uint32(want.Channels) >= c.channels[0] && uint32(want.Channels) <= c.channels[1] && got.Channels != want.Channels:
			t.Fatalf("card %+v: %d channels, not the %d asked for", c, got.Channels, want.Channels)
		case slices.Contains(c.rates, uint32(want.Rate)) && got.Rate != want.Rate:
			t.Fatalf("card %+v: %d Hz, not the %d asked for", c, got.Rate, want.Rate)
		}
	})
}
