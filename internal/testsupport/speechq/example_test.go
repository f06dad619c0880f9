package speechq_test

import (
	"fmt"
	"math"
	"time"

	"github.com/skoip/skoip/internal/testsupport/speechq"
)

// A recording 12.5 ms late and at half the level is lined up, then
// scored: a copy, whatever its gain.
func ExampleAlign() {
	const rate = 16000
	clean := make([]float64, 2*rate) // a tone that comes and goes
	for i := range clean {
		t := float64(i) / rate
		clean[i] = math.Sin(2*math.Pi*440*t) * math.Max(0, math.Sin(2*math.Pi*2*t))
	}
	rec := append(make([]float64, 200), clean...)
	for i := range rec {
		rec[i] /= 2
	}
	lag, corr := speechq.Align(clean, rec, rate, 100*time.Millisecond)
	snr, err := speechq.SegSNR(clean, rec[lag:], rate)
	if err != nil {
		panic(err)
	}
	fmt.Printf("lag %d (%.1f ms), corr %.3f, segSNR %.0f dB\n", lag, 1000*float64(lag)/rate, corr, snr)
	// Output: lag 200 (12.5 ms), corr 1.000, segSNR 35 dB
}
