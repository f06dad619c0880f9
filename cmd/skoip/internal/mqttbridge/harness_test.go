package mqttbridge

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/internal/testsupport/mosquitto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// waitFor is how long a test waits for the broker or the bridge.
const waitFor = 10 * time.Second

// fakeUnit records the bridge's calls, one line each ("OpenDoor mqtt").
type fakeUnit struct {
	mu      sync.Mutex
	calls   []string
	changed chan struct{}
	state   State
	// blockSnapshot, when set, is closed by Snapshot, which then waits for
	// its ctx: the bridge is held in the middle of its greeting.
	blockSnapshot chan struct{}
}

func newFakeUnit() *fakeUnit {
	return &fakeUnit{changed: make(chan struct{}, 1), state: State{
		Call: "idle", Registered: events.Bool(true), Started: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
	}}
}

func (u *fakeUnit) record(format string, args ...any) error {
	u.mu.Lock()
	u.calls = append(u.calls, fmt.Sprintf(format, args...))
	u.mu.Unlock()
	select {
	case u.changed <- struct{}{}:
	default:
	}
	return nil
}

func (u *fakeUnit) Call(_ context.Context, target string) error { return u.record("Call %q", target) }
func (u *fakeUnit) Answer(context.Context) error                { return u.record("Answer") }
func (u *fakeUnit) Hangup(context.Context) error                { return u.record("Hangup") }
func (u *fakeUnit) OpenDoor(_ context.Context, by string) error { return u.record("OpenDoor %s", by) }
func (u *fakeUnit) SetMute(_ context.Context, on bool, by string) error {
	return u.record("SetMute %v %s", on, by)
}
func (u *fakeUnit) SetDND(_ context.Context, on bool, by string) error {
	return u.record("SetDND %v %s", on, by)
}
func (u *fakeUnit) Snapshot(ctx context.Context) (State, error) {
	u.mu.Lock()
	block := u.blockSnapshot
	u.blockSnapshot = nil
	u.mu.Unlock()
	if block != nil {
		close(block)
		<-ctx.Done()
		return State{}, ctx.Err()
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.state, nil
}

func (u *fakeUnit) Calls() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.calls...)
}

// waitCall waits until the unit was called with line.
func (u *fakeUnit) waitCall(t *testing.T, line string) {
	t.Helper()
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for {
		for _, c := range u.Calls() {
			if c == line {
				return
			}
		}
		select {
		case <-u.changed:
		case <-deadline.C:
			t.Fatalf("unit not called %q within %v; calls: %q", line, waitFor, u.Calls())
		}
	}
}

// logBuffer is a slog text log that tests read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitLog polls the log for s, every 10 ms up to waitFor.
func (l *logBuffer) waitLog(t *testing.T, s string) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for !strings.Contains(l.String(), s) {
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("no %q in the log within %v:\n%s", s, waitFor, l.String())
		}
	}
}

func newTestLogger(l *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// harness is a bridge running against a broker, with a fake unit and a
// real bus, and a recorder of everything under the prefix.
type harness struct {
	broker *mosquitto.Broker
	cfg    config.MQTT
	bus    *events.Bus
	unit   *fakeUnit
	log    *logBuffer
	bridge *Bridge
	rec    *mosquitto.Recorder // "#"
	cancel context.CancelFunc
	done   chan error
}

const prefix = "test/door"

func testConfig(brokerURL string, allow ...string) config.MQTT {
	return config.MQTT{Broker: brokerURL, ClientID: "door-1", TopicPrefix: prefix,
		Discovery: true, DiscoveryPrefix: "homeassistant", AllowCommands: allow}
}

// start records "#" on broker, then runs a bridge with cfg.
func start(t *testing.T, broker *mosquitto.Broker, cfg config.MQTT, unit *fakeUnit) *harness {
	t.Helper()
	if cfg.Broker == "" {
		cfg.Broker = broker.URL()
	}
	h := &harness{broker: broker, cfg: cfg, bus: events.NewBus(nil), unit: unit, log: &logBuffer{}}
	if broker != nil {
		h.rec = mosquitto.Record(t, broker.URL(), "#")
	}
	b, err := New(cfg, unit, h.bus, Info{Name: "Front door", Version: "v1.2.3", Model: "SKOIP door intercom"}, newTestLogger(h.log))
	if err != nil {
		t.Fatal(err)
	}
	h.bridge = b
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() { h.stop(t) })
	return h
}

// stop ends Run and checks it returns nil within 1 s.
func (h *harness) stop(t *testing.T) {
	t.Helper()
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(time.Second):
		t.Errorf("Run did not return within 1 s of its context ending")
		<-h.done
	}
	if t.Failed() {
		t.Logf("bridge log:\n%s", h.log.String())
	}
}

// online waits for "online" on the availability topic after index from
// and returns the index after it.
func (h *harness) online(t *testing.T, from int) int {
	t.Helper()
	_, i := h.rec.Wait(from, waitFor, "online", mosquitto.Is(prefix+"/availability", "online"))
	return i + 1
}

// started waits until the bridge has published the whole greeting: its
// last message is the state's "started".
func (h *harness) started(t *testing.T) {
	t.Helper()
	h.rec.Wait(h.online(t, 0), waitFor, "started", func(m mosquitto.Message) bool { return m.Topic == prefix+"/started" })
}

func writeFile(name, s string) error { return os.WriteFile(name, []byte(s), 0o600) }
