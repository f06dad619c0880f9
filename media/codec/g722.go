package codec

// G722 is ITU-T G.722 at 64 kbit/s: 16 kHz audio split by a quadrature
// mirror filter into two 8 kHz sub-bands, coded by adaptive differential
// PCM with 6 bits for the lower band and 2 for the upper one. Each byte
// carries one pair of input samples, (upper << 6) | lower, first pair
// first (RFC 3551). The RTP clock runs at 8000 Hz although the audio is
// sampled at 16000 Hz, a historical error that RFC 3551 keeps.
//
// A G722 holds the encoder's and the decoder's state, which are separate:
// Encode and Decode may run in two goroutines, but each only in one.
type G722 struct {
	pt  uint8
	enc g722Encoder
	dec g722Decoder
}

var _ Codec = (*G722)(nil)

func init() {
	extra["G722"] = func(pt uint8, _ Options) (Codec, error) { return NewG722(pt), nil }
}

// NewG722 returns a G.722 codec for payload type pt (normally
// PayloadTypeG722) with its encoder and decoder in their initial state.
func NewG722(pt uint8) *G722 {
	c := &G722{pt: pt}
	c.enc.low.reset(g722LowBand)
	c.enc.high.reset(g722HighBand)
	c.dec.low.reset(g722LowBand)
	c.dec.high.reset(g722HighBand)
	return c
}

// Name returns "G722".
func (*G722) Name() string { return "G722" }

// PayloadType returns the RTP payload type.
func (c *G722) PayloadType() uint8 { return c.pt }

// ClockRate returns 8000, the RTP clock of G.722 (RFC 3551).
func (*G722) ClockRate() int { return 8000 }

// SampleRate returns 16000.
func (*G722) SampleRate() int { return 16000 }

// Samples returns 2*len(payload): every byte holds two samples.
func (*G722) Samples(payload []byte) int { return 2 * len(payload) }

// Encode appends one byte per two samples of pcm to dst, continuing the
// encoder's state. An odd last sample is dropped (callers pass whole
// frames: 320 samples per 20 ms).
func (c *G722) Encode(dst []byte, pcm []int16) []byte {
	n := len(dst)
	dst = growBytes(dst, len(pcm)/2)
	e := &c.enc
	for i := range dst[n:] {
		lo, hi := e.qmf.analyse(int32(pcm[2*i]), int32(pcm[2*i+1]))
		ih := e.high.quantiseHigh(hi)
		il := e.low.quantiseLow(lo)
		e.high.adaptHigh(e.high.dequantHigh(ih), ih)
		e.low.adaptLow(il)
		dst[n+i] = byte(ih<<6 | il)
	}
	return dst
}

// Decode appends two samples per payload byte to dst, continuing the
// decoder's state. Every byte is a valid code, so any payload decodes.
func (c *G722) Decode(dst []int16, payload []byte) []int16 {
	n := len(dst)
	dst = growSamples(dst, 2*len(payload))
	out := dst[n:]
	d := &c.dec
	for i, code := range payload {
		il, ih := int(code&0x3F), int(code>>6)
		// The lower band is rebuilt from all six bits, but the
		// predictor and scale adapt on the four-bit core only.
		rl := g722Clamp(d.low.s+(d.low.det*g722LowInv6[il]>>10), -16384, 16383)
		d.low.adaptLow(il)
		dh := d.high.dequantHigh(ih)
		rh := g722Clamp(d.high.s+dh, -16384, 16383)
		d.high.adaptHigh(dh, ih)
		out[2*i], out[2*i+1] = d.qmf.synthesise(rl, rh)
	}
	return dst
}

// g722Encoder is the transmit side: analysis QMF and two ADPCM coders.
type g722Encoder struct {
	qmf       g722QMFHistory
	low, high g722Band
}

// g722Decoder is the receive side: two ADPCM decoders and synthesis QMF.
type g722Decoder struct {
	qmf       g722QMFHistory
	low, high g722Band
}

// g722QMFHistory holds the last 24 samples seen by a 24-tap QMF, split
// into its even and odd taps: two rings of 12, each written twice (at p
// and p+12) so that the 12 newest, oldest first, are always the
// contiguous slice [pos, pos+12).
type g722QMFHistory struct {
	pos  int
	even [24]int32
	odd  [24]int32
}

// push adds one pair and returns the even taps filtered by the forward
// coefficients and the odd taps by the reversed ones (the two polyphase
// halves of the QMF).
func (h *g722QMFHistory) push(e, o int32) (sumEven, sumOdd int32) {
	p := h.pos
	h.even[p], h.even[p+12] = e, e
	h.odd[p], h.odd[p+12] = o, o
	if p++; p == 12 {
		p = 0
	}
	h.pos = p
	ev := (*[12]int32)(h.even[p : p+12])
	od := (*[12]int32)(h.odd[p : p+12])
	for i, c := range g722QMF {
		sumEven += ev[i] * c
		sumOdd += od[i] * g722QMF[11-i]
	}
	return sumEven, sumOdd
}

// analyse is the transmit QMF: it takes two input samples (x0 first in
// time) and returns one lower-band and one upper-band sample at 8 kHz.
// The filter's DC gain is 8192, so >>14 halves the scale: the ADPCM works
// on 15-bit sub-band signals.
func (h *g722QMFHistory) analyse(x0, x1 int32) (lo, hi int32) {
	se, so := h.push(x0, x1)
	return (so + se) >> 14, (so - se) >> 14
}

// synthesise is the receive QMF: it takes one reconstructed sample of
// each band and returns two output samples, first in time first, with the
// factor 2 that undoes the transmit side's halving.
func (h *g722QMFHistory) synthesise(lo, hi int32) (y0, y1 int16) {
	se, so := h.push(lo+hi, lo-hi)
	return g722Sat16(so >> 11), g722Sat16(se >> 11)
}

func g722Clamp(x, lo, hi int32) int32 {
	return min(max(x, lo), hi)
}

func g722Sat16(x int32) int16 {
	return int16(g722Clamp(x, -32768, 32767))
}
