package mqttbridge

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/internal/testsupport/mosquitto"
)

func TestReconnectsAfterBrokerRestart(t *testing.T) {
	broker := mosquitto.Start(t)
	h := start(t, broker, testConfig("", config.CommandDND), newFakeUnit())
	h.started(t)
	broker.Restart() // persistence false: the retained "online" is gone
	rec := mosquitto.Record(t, broker.URL(), prefix+"/#")
	began := time.Now()
	rec.Wait(0, waitFor, "online after the restart", mosquitto.Is(prefix+"/availability", "online"))
	rec.Wait(0, waitFor, "the state after the restart", mosquitto.Is(prefix+"/dnd", "OFF"))
	t.Logf("back online %v after the restart", time.Since(began).Round(time.Millisecond))
	h.bus.Publish(events.Event{Type: events.Doorbell, EventType: events.Ring, Button: "call"})
	rec.Wait(0, waitFor, "a doorbell after the restart", func(m mosquitto.Message) bool { return m.Topic == prefix+"/doorbell" })
}

// TestStopDuringTheGreeting: stopped while it greets the broker (between
// "online" and the state), the bridge still leaves "offline" behind: a
// clean DISCONNECT without it would leave "online" retained for ever.
func TestStopDuringTheGreeting(t *testing.T) {
	broker := mosquitto.Start(t)
	u := newFakeUnit()
	u.blockSnapshot = make(chan struct{})
	held := u.blockSnapshot
	h := start(t, broker, testConfig(""), u)
	select {
	case <-held:
	case <-time.After(waitFor):
		t.Fatal("the greeting never asked for the state")
	}
	_, i := h.rec.Wait(0, waitFor, "online", mosquitto.Is(prefix+"/availability", "online"))
	h.stop(t)
	h.rec.Wait(i+1, waitFor, "offline after a stop in the greeting", mosquitto.Is(prefix+"/availability", "offline"))
}

func TestStopPublishesOffline(t *testing.T) {
	broker := mosquitto.Start(t)
	h := start(t, broker, testConfig(""), newFakeUnit())
	h.started(t)
	from := h.rec.Len()
	began := time.Now()
	h.stop(t) // fails unless Run returns nil within 1 s
	m, _ := h.rec.Wait(from, time.Second, "offline", mosquitto.Is(prefix+"/availability", "offline"))
	t.Logf("offline %v after cancel", m.At.Sub(began).Round(time.Microsecond))
	// Retained for whoever subscribes later.
	late := mosquitto.Record(t, broker.URL(), prefix+"/availability")
	got, _ := late.Wait(0, waitFor, "retained offline", mosquitto.Is(prefix+"/availability", "offline"))
	if !got.Retained {
		t.Error("offline is not retained")
	}
}

func TestLastWillWhenTheConnectionBreaks(t *testing.T) {
	broker := mosquitto.Start(t)
	proxy := mosquitto.NewProxy(t, broker.Addr())
	h := start(t, broker, testConfig(proxy.URL()), newFakeUnit())
	h.started(t)
	from := h.rec.Len()
	if proxy.Cut() == 0 {
		t.Fatal("no connection to cut")
	}
	_, i := h.rec.Wait(from, waitFor, "the last will", mosquitto.Is(prefix+"/availability", "offline"))
	h.online(t, i+1) // and back
}

func TestTLS(t *testing.T) {
	broker := mosquitto.Start(t, mosquitto.WithTLS())
	cfg := testConfig(broker.TLSURL())
	cfg.CAFile = broker.CAFile()
	h := start(t, broker, cfg, newFakeUnit())
	h.started(t)
}

func TestTLSWrongCA(t *testing.T) {
	broker := mosquitto.Start(t, mosquitto.WithTLS())
	cfg := testConfig(broker.TLSURL())
	cfg.CAFile = filepath.Join(t.TempDir(), "other.pem")
	if err := mosquitto.WriteOtherCA(cfg.CAFile); err != nil {
		t.Fatal(err)
	}
	h := start(t, broker, cfg, newFakeUnit())
	h.log.waitLog(t, "certificate signed by unknown authority")
	h.stop(t)
	for _, m := range h.rec.Messages() {
		if m.Topic == prefix+"/availability" {
			t.Errorf("published %q with a CA that did not sign the broker", m.Payload)
		}
	}
}

// TestBrokerDown: with no broker, Run takes every event from the bus, the
// bus never waits, and Run ends promptly leaving no goroutine behind.
func TestBrokerDown(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	port := mosquitto.Start(t) // a port where nothing will listen
	url := port.URL()
	port.Stop()
	bus := events.NewBus(nil)
	var log logBuffer
	b, err := New(testConfig(url), newFakeUnit(), bus, Info{}, newTestLogger(&log))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	log.waitLog(t, "cannot connect")
	const n = 10000
	var slowest time.Duration
	for i := range n {
		began := time.Now()
		bus.Publish(events.Event{Type: events.DTMF, Digit: "1", Source: "rtp"})
		slowest = max(slowest, time.Since(began))
		if i%100 == 99 { // let Run catch up now and then: it must keep reading
			waitSeq(t, b, uint64(i+1))
		}
	}
	t.Logf("%d events published while the broker is down; slowest Publish %v", n, slowest)
	if slowest > 50*time.Millisecond {
		t.Errorf("a Publish took %v", slowest)
	}
	began := time.Now()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("Run took %v to return", d)
	}
	goleak.VerifyNone(t, ignore)
}

// waitSeq waits until Run has taken the event of seq from the bus.
func waitSeq(t *testing.T, b *Bridge, seq uint64) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for b.lastSeq.Load() < seq {
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("Run is stuck at event %d, want %d", b.lastSeq.Load(), seq)
		}
	}
}
