package codec

// PCMA is G.711 A-law at 8000 Hz, one byte per sample.
type PCMA struct{ pt uint8 }

var _ Codec = PCMA{}

// NewPCMA returns PCMA on its static payload type 8.
func NewPCMA() PCMA { return PCMA{pt: PayloadTypePCMA} }

// Name returns "PCMA".
func (PCMA) Name() string { return "PCMA" }

// PayloadType returns the RTP payload type.
func (c PCMA) PayloadType() uint8 { return c.pt }

// ClockRate returns 8000.
func (PCMA) ClockRate() int { return 8000 }

// SampleRate returns 8000.
func (PCMA) SampleRate() int { return 8000 }

// Samples returns the samples payload decodes to.
func (PCMA) Samples(payload []byte) int { return len(payload) }

// Encode appends one A-law byte per sample of pcm to dst.
func (PCMA) Encode(dst []byte, pcm []int16) []byte {
	n := len(dst)
	dst = growBytes(dst, len(pcm))
	out := dst[n:]
	for i, x := range pcm {
		out[i] = ALawEncode(x)
	}
	return dst
}

// Decode appends one sample per payload byte to dst.
func (PCMA) Decode(dst []int16, payload []byte) []int16 {
	n := len(dst)
	dst = growSamples(dst, len(payload))
	out := dst[n:]
	t := alawDecodeTable
	for i, b := range payload {
		out[i] = t[b]
	}
	return dst
}
