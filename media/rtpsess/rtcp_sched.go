package rtpsess

import (
	"math/rand/v2"
	"time"
)

// ReportInterval is RFC 3550's minimum RTCP interval for a two-party call:
// bandwidth-based intervals of a 64 kbit/s stream are shorter, so the 5 s
// floor applies.
const ReportInterval = 5 * time.Second

// nextInterval draws the randomised interval, uniform in [0.5, 1.5) times
// ReportInterval (RFC 3550 section 6.3.1). The first report uses half the
// minimum, as 6.2 allows for the initial one.
func nextInterval(rng *rand.Rand, first bool) time.Duration {
	base := ReportInterval
	if first {
		base /= 2
	}
	f := 0.5 + rng.Float64()
	return time.Duration(float64(base) * f)
}
