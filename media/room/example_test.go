package room_test

import (
	"fmt"
	"time"

	"github.com/skoip/skoip/media/room"
)

func Example() {
	r, err := room.New(room.Config{Rate: 8000, Delay: 40 * time.Millisecond, T60: 300 * time.Millisecond,
		EchoGainDB: 0, Noise: room.NoisePink, SNR: 30, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	played := make([]int16, 80) // 10 ms periods
	played[0] = 10000           // a click
	mic := make([]int16, 80)
	echo := make([]float32, 80)
	peak, at := float32(0), 0
	for p := range 6 {
		r.StepParts(played, mic, echo, nil, nil)
		clear(played)
		for i, v := range echo {
			if v > peak {
				peak, at = v, p*80+i
			}
		}
	}
	fmt.Printf("the click comes back %.0f ms later at %.0f%% of its level\n", float64(at)/8, 100*peak/10000)
	// Output: the click comes back 40 ms later at 84% of its level
}
