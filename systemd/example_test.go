package systemd_test

import (
	"fmt"

	"github.com/skoip/skoip/systemd"
)

// The calls `skoip run` makes; outside systemd they do nothing.
func Example() {
	sent, err := systemd.Ready()
	fmt.Println(sent, err)
	if d, ok := systemd.WatchdogInterval(); ok {
		fmt.Println("ping every", d/2)
	}
	// Output: false <nil>
}
