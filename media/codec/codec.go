package codec

import "time"

// Codec converts between mono int16 PCM at SampleRate and an RTP payload.
//
// Encode appends the payload for pcm to dst and returns the extended slice;
// Decode appends the samples carried by payload to dst. Neither allocates
// when dst has enough spare capacity.
//
// G.711 and L16 hold no state. G.722 and Opus do: an instance belongs to
// one stream, Encode is called from one goroutine and Decode (with
// Conceal and DecodeFEC) from one goroutine, which may be another; the
// encoder and decoder states are separate.
type Codec interface {
	// Name is the SDP encoding name ("PCMU", "PCMA", "L16", "G722", "opus").
	Name() string
	// PayloadType is the RTP payload type this instance was built for.
	PayloadType() uint8
	// ClockRate is the RTP clock rate in Hz: what RTP timestamps count
	// (8000 for G.711 and G.722, 48000 for Opus).
	ClockRate() int
	// SampleRate is the rate of the PCM that Encode takes and Decode gives,
	// in Hz: 8000 for G.711 and L16, 16000 for G.722 and for Opus as SKOIP
	// runs it (wideband).
	SampleRate() int
	// Samples is how many samples (at SampleRate) Decode would give for
	// payload, read from the payload without decoding it; 0 when the
	// payload is malformed.
	Samples(payload []byte) int
	// Encode appends the payload for pcm to dst.
	Encode(dst []byte, pcm []int16) []byte
	// Decode appends the samples carried by payload to dst. A malformed
	// payload gives concealment or silence (Opus: 20 ms of its
	// concealment), never a panic; Samples says 0 for it, and the playout
	// buffer drops it before it is decoded.
	Decode(dst []int16, payload []byte) []int16
}

// Concealer is a Codec with its own loss concealment (Opus). The playout
// buffer calls it, in stream order with Decode, for audio that did not
// arrive.
type Concealer interface {
	// Conceal appends n samples standing in for lost audio, continuing
	// the decoder's state (n need not be a whole frame).
	Conceal(dst []int16, n int) []int16
	// DecodeFEC appends n samples recovered from the in-band forward
	// error correction data that payload carries for the packet before
	// it; false (dst unchanged) when payload carries none.
	DecodeFEC(dst []int16, payload []byte, n int) ([]int16, bool)
}

// Options are the settings of a codec instance that do not come from its
// name and payload type. G.711, L16 and G.722 ignore them.
type Options struct {
	// FMTP is the peer's a=fmtp parameter string for this payload type
	// ("maxplaybackrate=16000;useinbandfec=1"), "" when it sent none.
	FMTP string
	// Bitrate is the Opus encoder's target in bit/s; 0: DefaultOpusBitrate.
	Bitrate int
	// Complexity is the Opus encoder's complexity 0-10; -1:
	// DefaultOpusComplexity (0 is a valid setting).
	Complexity int
	// DTX lets the Opus encoder send almost nothing in silence.
	DTX bool
	// NoFEC turns off the Opus encoder's in-band FEC even when the peer
	// asked for it (useinbandfec=1).
	NoFEC bool
	// PacketLoss is the loss in percent the Opus encoder plans its FEC
	// for; 0: DefaultOpusPacketLoss.
	PacketLoss int
}

// Opus encoder defaults: wideband speech at 32 kbit/s leaves room for
// in-band FEC, and complexity 5 costs about half of 10 on a Pi.
const (
	DefaultOpusBitrate    = 32000
	DefaultOpusComplexity = 5
	DefaultOpusPacketLoss = 5
)

// Static RTP payload types (RFC 3551).
const (
	PayloadTypePCMU uint8 = 0
	PayloadTypePCMA uint8 = 8
	PayloadTypeG722 uint8 = 9
)

// SamplesPer returns how many samples one frame of duration d holds at the
// codec's sample rate (160 for 20 ms at 8000 Hz, 320 at 16000 Hz).
func SamplesPer(c Codec, d time.Duration) int {
	return int(int64(c.SampleRate()) * int64(d) / int64(time.Second))
}
