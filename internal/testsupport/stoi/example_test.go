package stoi_test

import (
	"fmt"
	"math"

	"github.com/skoip/skoip/internal/testsupport/stoi"
)

// A copy at a tenth of the level scores as the original: STOI ignores a
// constant gain.
func ExampleSTOI() {
	clean := make([]float64, 16000) // 2 s at 8 kHz: a tone that comes and goes
	for i := range clean {
		t := float64(i) / 8000
		clean[i] = math.Sin(2*math.Pi*440*t) * (1 + math.Sin(2*math.Pi*3*t))
	}
	quiet := make([]float64, len(clean))
	for i, v := range clean {
		quiet[i] = v / 10
	}
	d, err := stoi.STOI(clean, quiet, 8000)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", d)
	// Output: 1.000
}
