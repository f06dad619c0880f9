package codec_test

import (
	"fmt"

	"github.com/skoip/skoip/media/codec"
)

func Example() {
	c, err := codec.ByName("PCMU", 0, codec.Options{})
	if err != nil {
		panic(err)
	}
	payload := c.Encode(nil, []int16{0, 1000, -1000})
	fmt.Printf("% x\n", payload)
	fmt.Println(c.Decode(nil, payload))
	// Output:
	// ff ce 4e
	// [0 988 -988]
}
