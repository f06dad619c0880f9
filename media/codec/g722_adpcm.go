package codec

// g722BandKind selects the constants that differ between the sub-bands.
type g722BandKind int

const (
	g722LowBand g722BandKind = iota
	g722HighBand
)

// Limits of the log scale factors (NBL and NBH of G.722) and the offsets
// that turn them into linear scale factors.
const (
	g722LowLogMax  = 18432
	g722HighLogMax = 22528
	g722LowLogOff  = 8 << 11
	g722HighLogOff = 10 << 11
)

// g722Band is one sub-band ADPCM coder: the adaptive quantiser's scale
// and the pole-zero predictor. Encoder and decoder run the same updates
// from the same codes, so their bands stay in step.
//
// All values stay within 16 bits except sz, the zero section's output,
// which (as in FFmpeg, and unlike the saturating ITU reference) is summed
// without saturation: at most 6*32768 in magnitude, approached only when a
// stream repeats one code for long.
type g722Band struct {
	s      int32    // signal estimate for the next sample (16-bit)
	sz     int32    // zero-section part of s
	a      [2]int32 // pole coefficients a1, a2 (2^14 = 1.0)
	b      [6]int32 // zero coefficients b1..b6 (2^14 = 1.0)
	dq     [6]int32 // last six quantised differences, doubled, 16-bit
	r1     int32    // last reconstructed signal, doubled, 16-bit
	pNeg   [2]bool  // signs of the last two partial reconstructions sz+d
	logDet int32    // log scale factor (NBL, NBH)
	det    int32    // linear scale factor: a quarter of DETL, DETH
}

// reset puts the band in the initial state of G.722.
func (b *g722Band) reset(kind g722BandKind) {
	*b = g722Band{det: b.scale(kind, 0)}
}

// scale turns a log scale factor into a linear one: 32 steps per octave
// from the antilog table, then a shift by the octave. The lower band's
// factor spans 8..8016, the upper band's 2..8016.
func (*g722Band) scale(kind g722BandKind, logDet int32) int32 {
	x := logDet - g722LowLogOff
	if kind == g722HighBand {
		x = logDet - g722HighLogOff
	}
	m := g722Antilog[(x>>6)&31]
	sh := x >> 11
	if sh < 0 {
		return m >> -sh
	}
	return m << sh
}

// quantiseLow is the lower-band quantiser (QUANTL): it codes the
// difference between x and the estimate in 6 bits, the interval found by
// binary search over the decision levels scaled by det.
func (b *g722Band) quantiseLow(x int32) int {
	e := int32(g722Sat16(x - b.s))
	mag := e
	if e < 0 {
		mag = ^e // -(e+1): the ones' complement magnitude of G.722
	}
	// The interval is the number of levels at or below mag, compared
	// exactly as mag >= (level*det) >> 10.
	want := (mag + 1) << 10
	lo, hi := 0, len(g722LowBounds)
	for lo < hi {
		mid := (lo + hi) / 2
		if want > g722LowBounds[mid]*b.det {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g722LowCode(lo, e < 0)
}

// quantiseHigh is the upper-band quantiser (QUANTH): sign and whether the
// difference reaches the single decision level 564/4096 * DETH.
func (b *g722Band) quantiseHigh(x int32) int {
	e := int32(g722Sat16(x - b.s))
	mag := e
	if e < 0 {
		mag = ^e
	}
	inner := 0
	if mag < 141*b.det>>8 {
		inner = 1
	}
	if e < 0 {
		return inner // 1 inner, 0 outer
	}
	return 2 + inner // 3 inner, 2 outer
}

// dequantHigh is the upper band's quantised difference for code ih.
func (b *g722Band) dequantHigh(ih int) int32 {
	return b.det * g722HighInv[ih] >> 10
}

// adaptLow updates the lower band after code il: the predictor from the
// 4-bit difference, then the scale factor (LOGSCL, SCALEL).
func (b *g722Band) adaptLow(il int) {
	c := il >> 2
	b.predict(b.det * g722LowInv4[c] >> 10)
	b.logDet = g722Clamp(b.logDet*127>>7+g722LowLogStep[c], 0, g722LowLogMax)
	b.det = b.scale(g722LowBand, b.logDet)
}

// adaptHigh updates the upper band after code ih with quantised
// difference d (LOGSCH, SCALEH).
func (b *g722Band) adaptHigh(d int32, ih int) {
	b.predict(d)
	b.logDet = g722Clamp(b.logDet*127>>7+g722HighLogStep[ih&1], 0, g722HighLogMax)
	b.det = b.scale(g722HighBand, b.logDet)
}

// predict adapts the predictor to the quantised difference d and computes
// the estimate of the next sample (block 4 of G.722: PARREC, RECONS,
// UPPOL2, UPPOL1, UPZERO, FILTEP, FILTEZ, PREDIC).
func (b *g722Band) predict(d int32) {
	// Pole section: a2 then a1 leak and move by the sign agreement
	// between the partial reconstruction p = sz + d and its two previous
	// values, kept inside the stability triangle |a2| <= 3/4,
	// |a1| <= 15/16 - a2.
	neg := b.sz+d < 0
	same1, same2 := neg == b.pNeg[0], neg == b.pNeg[1]
	b.pNeg[1], b.pNeg[0] = b.pNeg[0], neg
	a1 := g722Clamp(b.a[0], -8191, 8191)
	if same1 {
		a1 = -a1
	}
	step2 := int32(-128)
	if same2 {
		step2 = 128
	}
	a2 := g722Clamp(a1>>5+step2+b.a[1]*127>>7, -12288, 12288)
	step1 := int32(-192)
	if same1 {
		step1 = 192
	}
	lim := 15360 - a2
	b.a[0] = g722Clamp(step1+b.a[0]*255>>8, -lim, lim)
	b.a[1] = a2

	// Zero section: each b_i leaks by 1/256 and moves by 1/128 towards
	// the sign agreement of d with the difference i samples back (not at
	// all when d is zero). Branch-free: the signs of noise are
	// unpredictable.
	var step int32
	if d != 0 {
		step = 128
	}
	dq := &b.dq
	var sz int32
	for i := range b.b {
		differ := (dq[i] ^ d) >> 31 // -1 when the signs differ, else 0
		b.b[i] = b.b[i]*255>>8 + step - differ&(2*step)
	}
	dq[5], dq[4], dq[3], dq[2], dq[1] = dq[4], dq[3], dq[2], dq[1], dq[0]
	dq[0] = int32(g722Sat16(2 * d))
	for i, bi := range b.b {
		sz += bi * dq[i] >> 15
	}
	b.sz = sz

	// Estimate: zero section plus the poles over the reconstructed
	// signal r = s + d and its previous value.
	r := int32(g722Sat16(2 * (b.s + d)))
	b.s = int32(g722Sat16(sz + b.a[0]*r>>15 + b.a[1]*b.r1>>15))
	b.r1 = r
}
