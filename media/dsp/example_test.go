package dsp_test

import (
	"fmt"

	"github.com/skoip/skoip/media/dsp"
)

// A 48 kHz device period of 20 ms becomes one 8 kHz codec frame.
func ExampleResampler() {
	r, err := dsp.NewResampler(48000, 8000)
	if err != nil {
		panic(err)
	}
	period := make([]int16, 960)
	frame := make([]int16, 0, r.MaxOut(len(period)))
	frame = r.Process(frame[:0], period)
	fmt.Println(len(frame))
	// Output: 160
}

func ExampleVAD() {
	v, err := dsp.NewVAD(8000, dsp.DefaultVADConfig())
	if err != nil {
		panic(err)
	}
	silence := make([]int16, 160)
	fmt.Println(v.Process(silence))
	// Output: false
}
