package jitter

import "time"

// Config configures a Buffer. Zero values take the defaults.
type Config struct {
	ClockRate int           // samples per second of the decoded audio, default 8000
	Min, Max  time.Duration // playout delay bounds, default 20ms and 200ms
	// Decode appends the samples of payload to dst (codec.Codec.Decode).
	Decode func(dst []int16, payload []byte) []int16
	// Samples, when set, says how many samples a payload decodes to
	// without decoding it (codec.Codec.Samples; 0: malformed, dropped).
	// The buffer then keeps payloads and decodes each when playout
	// reaches it, in stream order, as stateful codecs need (G.722, Opus).
	// Nil: a packet is decoded when it arrives.
	Samples func(payload []byte) int
	// Conceal, when set with Samples, makes the audio for a gap in stream
	// order with Decode (the codec's own loss concealment,
	// codec.Concealer). Nil: the last frame is repeated with a fade.
	Conceal func(dst []int16, n int) []int16
	// DecodeFEC, when set with Samples and Conceal, recovers a gap of n
	// samples that ends where payload begins from the payload's in-band
	// forward error correction; false: it has none (Conceal is used).
	DecodeFEC func(dst []int16, payload []byte, n int) ([]int16, bool)
	// TSNum/TSDen is how many samples one RTP timestamp unit is: 2/1 for
	// G.722 (8000 Hz clock, 16 kHz audio), 1/3 for Opus decoded at 16 kHz
	// (48000 Hz clock). Zero: 1/1.
	TSNum, TSDen int
	// MaxPayload is the largest payload kept with Samples, default 1500
	// bytes; larger ones are discarded.
	MaxPayload int
	// MaxFrame is the most samples one packet may carry, default 960.
	MaxFrame int
	// Slots is how many packets the buffer holds, default 64.
	Slots int
}

// Stats are the buffer's counters.
type Stats struct {
	Delay     time.Duration // smoothed playout delay (buffered audio at each pull)
	Underruns uint64        // times the device found nothing to play mid-talkspurt
	Concealed uint64        // frames synthesised for missing audio
	Recovered uint64        // of those, frames rebuilt from the next packet's FEC (Opus)
	Late      uint64        // packets that arrived after their playout time
	Discarded uint64        // duplicates, overflow and trims above Max
	Dropped   uint64        // samples removed by shortening (delay reduction)
	Stretched uint64        // samples added by stretching
}

const (
	defaultMin = 20 * time.Millisecond
	defaultMax = 200 * time.Millisecond
)

func (c Config) withDefaults() Config {
	if c.ClockRate <= 0 {
		c.ClockRate = 8000
	}
	if c.Min <= 0 {
		c.Min = defaultMin
	}
	if c.Max <= 0 {
		c.Max = defaultMax
	}
	if c.Max < c.Min {
		c.Max = c.Min
	}
	if c.MaxFrame <= 0 {
		c.MaxFrame = 960
	}
	if c.Slots <= 0 {
		c.Slots = 64
	}
	if c.TSNum <= 0 || c.TSDen <= 0 {
		c.TSNum, c.TSDen = 1, 1
	}
	if c.MaxPayload <= 0 {
		c.MaxPayload = 1500
	}
	if c.Samples == nil {
		c.Conceal, c.DecodeFEC = nil, nil
	}
	if c.Conceal == nil {
		c.DecodeFEC = nil
	}
	if c.Decode == nil {
		c.Decode = func(dst []int16, _ []byte) []int16 { return dst }
	}
	return c
}

func (c Config) samples(d time.Duration) int64 {
	return int64(d) * int64(c.ClockRate) / int64(time.Second)
}

func (c Config) duration(n float64) time.Duration {
	return time.Duration(n * float64(time.Second) / float64(c.ClockRate))
}
