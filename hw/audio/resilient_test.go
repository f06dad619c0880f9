package audio

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// fakeCard is a sound card that can be unplugged: while present, open
// returns a stream that calls data once per period from its own goroutine.
type fakeCard struct {
	present atomic.Bool
	opens   atomic.Int32
	mu      sync.Mutex
	cur     *fakeStream
}

type fakeStream struct {
	quit, done chan struct{}
	fail       chan bool // true: stop and report; false: stall silently
	once       sync.Once
}

var errUnplugged = errors.New("no such device")

func (c *fakeCard) open(data func(in, out []int16), stopped func()) (stream, error) {
	if !c.present.Load() {
		return nil, errUnplugged
	}
	c.opens.Add(1)
	s := &fakeStream{quit: make(chan struct{}), done: make(chan struct{}), fail: make(chan bool, 1)}
	go s.run(data, stopped)
	c.mu.Lock()
	c.cur = s
	c.mu.Unlock()
	return s, nil
}

func (s *fakeStream) run(data func(in, out []int16), stopped func()) {
	defer close(s.done)
	in, out := make([]int16, 80), make([]int16, 80)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.quit:
			return
		case report := <-s.fail:
			if report {
				stopped()
				return
			}
			<-s.quit // stalled: no callbacks, no report
			return
		case <-tick.C:
			data(in, out)
		}
	}
}

func (s *fakeStream) Close() error {
	s.once.Do(func() { close(s.quit) })
	<-s.done
	return nil
}

// unplug makes the current stream fail (report=true) or stall.
func (c *fakeCard) unplug(report bool) {
	c.present.Store(false)
	c.mu.Lock()
	c.cur.fail <- report
	c.mu.Unlock()
}

type healthLog struct {
	mu   sync.Mutex
	errs []error
}

func (h *healthLog) record(err error) { h.mu.Lock(); h.errs = append(h.errs, err); h.mu.Unlock() }

func (h *healthLog) get() []error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]error(nil), h.errs...)
}

func TestDeviceLossIsReportedAndReopened(t *testing.T) {
	for _, report := range []bool{true, false} {
		name := map[bool]string{true: "stops", false: "stalls"}[report]
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { testLoss(t, report) })
		})
	}
}

func testLoss(t *testing.T, report bool) {
	card := &fakeCard{}
	card.present.Store(true)
	var health healthLog
	cfg := Config{Backend: BackendALSA, OnHealth: health.record}.withDefaults()
	d, err := newResilient(cfg, card.open, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var calls atomic.Int64
	_ = d.Start(func(in, out []int16) { calls.Add(1) })

	time.Sleep(time.Second + time.Millisecond)
	if n := calls.Load(); n != 100 {
		t.Fatalf("%d periods in 1 s, want 100", n)
	}
	card.unplug(report)
	time.Sleep(2*watchdogTimeout + time.Second) // the watchdog looks every watchdogTimeout
	synctest.Wait()
	h := health.get()
	wantErr := map[bool]error{true: ErrStopped, false: ErrStalled}[report]
	if len(h) != 1 || !errors.Is(h[0], wantErr) {
		t.Fatalf("health reports %v, want one %v", h, wantErr)
	}
	before := calls.Load()
	time.Sleep(time.Second)
	if calls.Load() != before {
		t.Fatal("fn called while the device is gone")
	}

	card.present.Store(true)
	time.Sleep(backoffMax + time.Second) // the next attempt is due within backoffMax
	synctest.Wait()
	if h := health.get(); len(h) != 2 || h[1] != nil {
		t.Fatalf("health reports %v, want the fault then nil", h)
	}
	resumed := calls.Load()
	time.Sleep(time.Second)
	if got := calls.Load() - resumed; got < 99 || got > 101 {
		t.Fatalf("%d periods in 1 s after reopening, want 100±1 (fn kept without a new Start)", got)
	}
	st := d.Stats()
	if st.Faults != 1 || st.Reopens != 1 || card.opens.Load() != 2 {
		t.Errorf("stats %+v, %d opens; want 1 fault, 1 reopen, 2 opens", st, card.opens.Load())
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(func(in, out []int16) {}); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close = %v", err)
	}
}

func TestInitialOpenFailureIsAnError(t *testing.T) {
	card := &fakeCard{}
	cfg := Config{Backend: BackendALSA}.withDefaults()
	if _, err := newResilient(cfg, card.open, slog.New(slog.NewTextHandler(io.Discard, nil))); !errors.Is(err, errUnplugged) {
		t.Fatalf("newResilient without a card = %v", err)
	}
}

func TestStopWaitsAndSilences(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		card := &fakeCard{}
		card.present.Store(true)
		d, _ := newResilient(Config{Backend: BackendALSA}.withDefaults(), card.open, slog.New(slog.NewTextHandler(io.Discard, nil)))
		defer d.Close()
		var calls atomic.Int64
		_ = d.Start(func(in, out []int16) { calls.Add(1) })
		time.Sleep(105 * time.Millisecond)
		_ = d.Stop()
		n := calls.Load()
		time.Sleep(time.Second)
		if calls.Load() != n || n != 10 {
			t.Fatalf("%d calls before Stop (want 10), %d after", n, calls.Load()-n)
		}
		if err := d.Start(func(in, out []int16) {}); err != nil {
			t.Fatalf("restart after Stop: %v", err)
		}
	})
}
