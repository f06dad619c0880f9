package codec

// PCMU is G.711 µ-law at 8000 Hz, one byte per sample.
type PCMU struct{ pt uint8 }

var _ Codec = PCMU{}

// NewPCMU returns PCMU on its static payload type 0.
func NewPCMU() PCMU { return PCMU{pt: PayloadTypePCMU} }

// Name returns "PCMU".
func (PCMU) Name() string { return "PCMU" }

// PayloadType returns the RTP payload type.
func (c PCMU) PayloadType() uint8 { return c.pt }

// ClockRate returns 8000.
func (PCMU) ClockRate() int { return 8000 }

// SampleRate returns 8000.
func (PCMU) SampleRate() int { return 8000 }

// Samples returns the samples payload decodes to.
func (PCMU) Samples(payload []byte) int { return len(payload) }

// Encode appends one µ-law byte per sample of pcm to dst.
func (PCMU) Encode(dst []byte, pcm []int16) []byte {
	n := len(dst)
	dst = growBytes(dst, len(pcm))
	out := dst[n:]
	for i, x := range pcm {
		out[i] = ULawEncode(x)
	}
	return dst
}

// Decode appends one sample per payload byte to dst.
func (PCMU) Decode(dst []int16, payload []byte) []int16 {
	n := len(dst)
	dst = growSamples(dst, len(payload))
	out := dst[n:]
	t := ulawDecodeTable
	for i, b := range payload {
		out[i] = t[b]
	}
	return dst
}
