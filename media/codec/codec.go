package codec

import "time"

// Codec converts between mono int16 PCM at ClockRate and an RTP payload.
//
// Encode appends the payload for pcm to dst and returns the extended slice;
// Decode appends the samples carried by payload to dst. Neither allocates
// when dst has enough spare capacity. A Codec holds no per-stream state
// (G.711 and L16 are stateless) unless its documentation says otherwise.
type Codec interface {
	// Name is the SDP encoding name ("PCMU", "PCMA", "L16").
	Name() string
	// PayloadType is the RTP payload type this instance was built for.
	PayloadType() uint8
	// ClockRate is the RTP clock rate and the PCM sample rate, in Hz.
	ClockRate() int
	// Encode appends the payload for pcm to dst.
	Encode(dst []byte, pcm []int16) []byte
	// Decode appends the samples carried by payload to dst.
	Decode(dst []int16, payload []byte) []int16
}

// Static RTP payload types (RFC 3551).
const (
	PayloadTypePCMU uint8 = 0
	PayloadTypePCMA uint8 = 8
)

// SamplesPer returns how many samples one frame of duration d holds at the
// codec's clock rate (160 for 20 ms at 8000 Hz).
func SamplesPer(c Codec, d time.Duration) int {
	return int(int64(c.ClockRate()) * int64(d) / int64(time.Second))
}
