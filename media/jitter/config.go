package jitter

import "time"

// Config configures a Buffer. Zero values take the defaults.
type Config struct {
	ClockRate int           // samples per second, default 8000
	Min, Max  time.Duration // playout delay bounds, default 20ms and 200ms
	// Decode appends the samples of payload to dst (codec.Codec.Decode).
	Decode func(dst []int16, payload []byte) []int16
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
