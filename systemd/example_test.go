package systemd_test

import (
	"context"
	"log/slog"
	"time"

	"github.com/skoip/skoip/systemd"
)

// The calls a service makes: READY=1 once it serves, STATUS= as its state
// changes, WATCHDOG=1 from its main loop at half the interval, STOPPING=1
// at the end. Outside systemd they do nothing.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	log := slog.Default()
	if _, err := systemd.Ready(); err != nil {
		log.Warn("sd_notify", "err", err)
	}
	_, _ = systemd.Status("idle")
	defer systemd.Stopping()
	interval, ok := systemd.WatchdogInterval()
	if !ok {
		return // no watchdog armed for this process
	}
	tick := time.NewTicker(interval / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			_, _ = systemd.Watchdog()
		}
	}
}
