package mqttbridge

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
)

// Unit is what the bridge needs of the running intercom.
type Unit interface {
	Call(ctx context.Context, target string) error // "" = the default peer
	Answer(ctx context.Context) error
	Hangup(ctx context.Context) error
	OpenDoor(ctx context.Context, by string) error // pulses this unit's own door relay
	SetMute(ctx context.Context, on bool, by string) error
	SetDND(ctx context.Context, on bool, by string) error
	Snapshot(ctx context.Context) (State, error)
}

// State is the unit's current state, published (retained) at each connect.
type State struct {
	Call       string // "idle", "outgoing", "incoming", "connected"
	Peer       string
	Relay      bool // energised
	DND, Muted bool
	Registered *bool         // nil: no PBX account
	LastCall   *events.Event // the last call_ended event, nil before the first call
	Started    time.Time
}

// Info describes the device to Home Assistant.
type Info struct {
	Name    string // device.name
	Version string // the build version
	Model   string // e.g. "SKOIP door intercom"
}

// Limits and timings; the package comment states them.
const (
	eventQueue     = 256 // the bus subscription's queue
	commandQueue   = 8   // commands waiting for the worker
	commandTimeout = 10 * time.Second
	snapshotWait   = 5 * time.Second
	by             = "mqtt" // who asked, for OpenDoor, SetMute and SetDND
)

// Bridge connects the intercom to an MQTT broker. Build it with New and
// run it once with Run.
type Bridge struct {
	cfg     config.MQTT
	unit    Unit
	bus     *events.Bus
	info    Info
	log     *slog.Logger
	tls     *tls.Config // nil: plain TCP
	addr    string      // the broker's host:port
	node    string      // Home Assistant node_id
	topics  topics
	cmds    chan command
	ignored *rateLog
	link    link
	running atomic.Bool
	lastSeq atomic.Uint64 // seq of the last event Run took from the bus
}

// New checks cfg and builds a bridge; nothing is connected before Run.
func New(cfg config.MQTT, unit Unit, bus *events.Bus, info Info, log *slog.Logger) (*Bridge, error) {
	if !cfg.Enabled() {
		return nil, ErrNoBroker
	}
	if unit == nil || bus == nil {
		return nil, ErrNoUnit
	}
	addr, err := config.MQTTAddress(cfg.Broker)
	if err != nil {
		return nil, fmt.Errorf("mqttbridge.New: mqtt.broker: %w", err)
	}
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("mqttbridge.New: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "mqtt")
	return &Bridge{
		cfg: cfg, unit: unit, bus: bus, info: info, log: log, tls: tc, addr: addr,
		node:    nodeID(cfg.NodeID()),
		topics:  newTopics(cfg.Prefix()),
		cmds:    make(chan command, commandQueue),
		ignored: newRateLog(log, time.Now),
	}, nil
}

// Run bridges until ctx ends, then publishes "offline" (retained) within
// 1 s and disconnects. A broker that is down or goes away is retried (1 s
// doubling to 60 s) and never makes Run or the bus wait. Cancellation is
// not an error: Run returns nil then; it can be called once.
func (b *Bridge) Run(ctx context.Context) error {
	if !b.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	sub, err := b.bus.Subscribe(eventQueue)
	if err != nil {
		return fmt.Errorf("mqttbridge.Run: %w", err)
	}
	defer sub.Close()
	var wg sync.WaitGroup
	wg.Go(func() { b.runCommands(ctx) })
	wg.Go(func() { b.runConnection(ctx) })
	b.runEvents(ctx, sub)
	wg.Wait()
	return nil
}

// runEvents publishes every event from the bus while a connection is open;
// events that come while there is none are dropped.
func (b *Bridge) runEvents(ctx context.Context, sub *events.Sub) {
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			return
		}
		if ev.Seq != 0 {
			b.lastSeq.Store(ev.Seq)
		}
		c := b.link.client()
		if c == nil {
			continue
		}
		for _, m := range b.eventMessages(ev) {
			if err := publish(ctx, c, m); err != nil {
				b.ignored.warn(failPublish, "mqtt: publish failed", "topic", m.topic, "err", err)
				break
			}
		}
	}
}
