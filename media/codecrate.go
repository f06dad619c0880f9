package media

import (
	"fmt"
	"io"

	"github.com/skoip/skoip/media/codec"
	"github.com/skoip/skoip/media/dsp"
)

// streamCodec is a call's codec seen from the engine: it takes and gives
// audio at the engine's rate. When the codec's own rate differs (G.711 at
// 8 kHz on a 16 kHz engine, and the reverse for G.722 or Opus on a
// narrowband engine) it resamples at the codec, once each way; the
// resamplers keep their state across frames, as the codec does.
type streamCodec struct {
	c        codec.Codec
	conceal  codec.Concealer // nil: the playout buffer conceals
	rate     int             // the engine's rate
	up, down *dsp.Resampler  // codec -> engine and engine -> codec; nil when the rates match
	in, out  []int16         // scratch at the codec's rate (decode side, encode side)
}

// newStreamCodec builds the codec p negotiated, for an engine at rate.
func newStreamCodec(p Params, rate int, opt codec.Options) (*streamCodec, error) {
	opt.FMTP = p.FMTP
	c, err := codec.ByName(p.Codec, p.PayloadType, opt)
	if err != nil {
		return nil, fmt.Errorf("codec.ByName: %w", err)
	}
	sc := &streamCodec{c: c, rate: rate}
	sc.conceal, _ = c.(codec.Concealer)
	if cr := c.SampleRate(); cr != rate {
		if sc.up, err = dsp.NewResampler(cr, rate); err == nil {
			sc.down, err = dsp.NewResampler(rate, cr)
		}
		if err != nil {
			_ = sc.close() // the codec was never used
			return nil, fmt.Errorf("%s at %d Hz on a %d Hz engine: %w", c.Name(), cr, rate, err)
		}
		frame := cr * maxPTimeMS / 1000
		sc.in, sc.out = make([]int16, 0, frame), make([]int16, 0, frame)
	}
	return sc, nil
}

// tsScale is how many engine samples one RTP timestamp unit is, as a
// reduced fraction.
func (sc *streamCodec) tsScale() (num, den int) {
	a, b := sc.rate, sc.c.ClockRate()
	g := gcdInt(a, b)
	return a / g, b / g
}

// tsUnits converts n engine samples to RTP timestamp units.
func (sc *streamCodec) tsUnits(n int) uint32 {
	return uint32(int64(n) * int64(sc.c.ClockRate()) / int64(sc.rate))
}

// samples is Codec.Samples at the engine's rate.
func (sc *streamCodec) samples(payload []byte) int {
	return sc.toEngine(sc.c.Samples(payload))
}

func (sc *streamCodec) toEngine(n int) int {
	return int(int64(n) * int64(sc.rate) / int64(sc.c.SampleRate()))
}

func (sc *streamCodec) toCodec(n int) int {
	return int(int64(n) * int64(sc.c.SampleRate()) / int64(sc.rate))
}

// encode appends the payload of one engine-rate frame.
func (sc *streamCodec) encode(dst []byte, pcm []int16) []byte {
	if sc.down == nil {
		return sc.c.Encode(dst, pcm)
	}
	sc.out = sc.down.Process(sc.out[:0], pcm)
	return sc.c.Encode(dst, sc.out)
}

// decode appends a payload's samples at the engine's rate.
func (sc *streamCodec) decode(dst []int16, payload []byte) []int16 {
	if sc.up == nil {
		return sc.c.Decode(dst, payload)
	}
	sc.in = sc.c.Decode(sc.in[:0], payload)
	return sc.up.Process(dst, sc.in)
}

// concealN appends n samples of the codec's concealment.
func (sc *streamCodec) concealN(dst []int16, n int) []int16 {
	if sc.up == nil {
		return sc.conceal.Conceal(dst, n)
	}
	sc.in = sc.conceal.Conceal(sc.in[:0], min(sc.toCodec(n), cap(sc.in)))
	return sc.up.Process(dst, sc.in)
}

// decodeFEC appends n samples recovered from payload's FEC.
func (sc *streamCodec) decodeFEC(dst []int16, payload []byte, n int) ([]int16, bool) {
	if sc.up == nil {
		return sc.conceal.DecodeFEC(dst, payload, n)
	}
	in, ok := sc.conceal.DecodeFEC(sc.in[:0], payload, min(sc.toCodec(n), cap(sc.in)))
	if !ok {
		return dst, false
	}
	sc.in = in
	return sc.up.Process(dst, sc.in), true
}

// dtx says whether payload is an Opus frame that its DTX (media.opus_dtx,
// or the peer's usedtx=1) leaves unsent: two bytes or less are a TOC with
// no audio, and the periodic refresh frames that DTX keeps are larger
// (RFC 7587 section 3.1.3). The peer conceals the gap as silence.
func (sc *streamCodec) dtx(payload []byte) bool {
	return len(payload) <= 2 && sc.c.Name() == "opus"
}

// close frees a codec that holds C memory (Opus); the caller makes sure
// nothing uses it any more.
func (sc *streamCodec) close() error {
	if c, ok := sc.c.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func gcdInt(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
