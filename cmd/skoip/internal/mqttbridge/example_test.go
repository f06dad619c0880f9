package mqttbridge_test

import (
	"context"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/cmd/skoip/internal/mqttbridge"
	"github.com/skoip/skoip/config"
)

// door is a Unit that does nothing, for the example.
type door struct{}

func (door) Call(context.Context, string) error          { return nil }
func (door) Answer(context.Context) error                { return nil }
func (door) Hangup(context.Context) error                { return nil }
func (door) OpenDoor(context.Context, string) error      { return nil }
func (door) SetMute(context.Context, bool, string) error { return nil }
func (door) SetDND(context.Context, bool, string) error  { return nil }
func (door) Snapshot(context.Context) (mqttbridge.State, error) {
	return mqttbridge.State{Call: "idle", Started: time.Now()}, nil
}

// The bridge beside the intercom: the intercom publishes on bus (a ring
// is events.Event{Type: events.Doorbell, EventType: events.Ring}), the
// bridge reads it; the bus is its only link to the calls.
func Example() {
	cfg := config.MQTT{Broker: "tcp://192.168.1.10:1883", Discovery: true,
		DiscoveryPrefix: "homeassistant", AllowCommands: []string{config.CommandDND}}
	bus := events.NewBus(nil)
	b, err := mqttbridge.New(cfg, door{}, bus, mqttbridge.Info{Name: "Front door", Version: "v1.0.0",
		Model: "SKOIP door intercom"}, slog.Default())
	if err != nil {
		slog.Error("mqtt", "err", err)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := b.Run(ctx); err != nil { // until SIGTERM; then "offline" and nil
		slog.Error("mqtt", "err", err)
	}
}
