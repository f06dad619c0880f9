package codec

import "encoding/binary"

// L16 is 16-bit linear PCM in network byte order (RFC 3551 section 4.5.11),
// mono at 8000 Hz, on a dynamic payload type.
type L16 struct{ pt uint8 }

var _ Codec = L16{}

// NewL16 returns L16 on payload type pt (normally 96-127, from SDP).
func NewL16(pt uint8) L16 { return L16{pt: pt} }

// Name returns "L16".
func (L16) Name() string { return "L16" }

// PayloadType returns the RTP payload type.
func (c L16) PayloadType() uint8 { return c.pt }

// ClockRate returns 8000.
func (L16) ClockRate() int { return 8000 }

// SampleRate returns 8000.
func (L16) SampleRate() int { return 8000 }

// Samples returns the samples payload decodes to.
func (L16) Samples(payload []byte) int { return len(payload) / 2 }

// Encode appends two big-endian bytes per sample of pcm to dst.
func (L16) Encode(dst []byte, pcm []int16) []byte {
	n := len(dst)
	dst = growBytes(dst, 2*len(pcm))
	out := dst[n:]
	for i, x := range pcm {
		binary.BigEndian.PutUint16(out[2*i:], uint16(x))
	}
	return dst
}

// Decode appends one sample per two payload bytes to dst; a trailing odd
// byte is ignored.
func (L16) Decode(dst []int16, payload []byte) []int16 {
	k := len(payload) / 2
	n := len(dst)
	dst = growSamples(dst, k)
	out := dst[n:]
	for i := range out {
		out[i] = int16(binary.BigEndian.Uint16(payload[2*i:]))
	}
	return dst
}
