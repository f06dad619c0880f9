package rtpsess

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// polledPair: a sends (its own goroutines), b is polled and receives.
func polledPair(t *testing.T, cfg Config) (a, b *Session, ch chan rxPacket) {
	t.Helper()
	cfg.Polled = true
	b, ch = newReceiver(t, cfg)
	if !b.Polled() {
		if pollSupported {
			t.Fatal("Polled session reads on its own goroutine")
		}
		t.Skip("no polled sessions on this platform: they read on their own goroutine")
	}
	a, _ = newReceiver(t, Config{})
	must(t, a.Start(Peer{RTP: addr(b.LocalPort()), Send: true, Recv: true}))
	must(t, b.Start(Peer{RTP: addr(a.LocalPort()), Send: true, Recv: true}))
	return a, b, ch
}

// A polled session delivers nothing by itself; Poll delivers what waits,
// in order, before it returns, with the kernel's arrival times.
func TestPolledSessionDeliversOnPoll(t *testing.T) {
	stampsOn(t)
	var arrivals []time.Time
	var cfg Config
	a, b, ch := polledPair(t, cfg)
	b.cfg.OnRTP = wrapArrivals(b.cfg.OnRTP, &arrivals)
	sent := time.Now()
	for i := range 3 {
		must(t, a.SendRTP(0, i == 0, uint32(i*160), []byte{byte(i)}))
	}
	time.Sleep(50 * time.Millisecond)
	if len(ch) != 0 {
		t.Fatalf("%d packets delivered without Poll", len(ch))
	}
	polledAt := time.Now()
	b.Poll()
	if len(ch) != 3 {
		t.Fatalf("Poll delivered %d of 3 packets", len(ch))
	}
	for i := range 3 {
		p := <-ch
		if p.payload[0] != byte(i) || p.newSrc != (i == 0) {
			t.Errorf("packet %d: payload %v newSrc %v", i, p.payload, p.newSrc)
		}
		if at := arrivals[i]; at.Before(sent) || at.After(polledAt) {
			t.Errorf("packet %d arrived %v after the send, poll at %v", i, at.Sub(sent), polledAt.Sub(sent))
		}
	}
	if st := b.Stats(); st.RTPRx != 3 {
		t.Errorf("RTPRx %d, want 3", st.RTPRx)
	}
	// Sending goes out of the polled socket.
	must(t, b.SendRTP(0, true, 0, []byte{9}))
	if st := b.Stats(); st.RTPTx != 1 {
		t.Errorf("RTPTx %d, want 1", st.RTPTx)
	}
}

// One Poll handles at most maxPollBatch datagrams: a flood cannot hold the
// audio period. The rest waits for the next Poll.
func TestPolledSessionBatch(t *testing.T) {
	a, b, _ := polledPair(t, Config{})
	ch2 := make(chan rxPacket, 2*maxPollBatch)
	b.cfg.OnRTP = func(p *rtp.Packet, _ time.Time, newSrc bool) { ch2 <- rxPacket{p.Header.Clone(), nil, newSrc} }
	n := maxPollBatch + 8
	for i := range n {
		must(t, a.SendRTP(0, false, uint32(i*160), []byte{byte(i)}))
	}
	time.Sleep(50 * time.Millisecond)
	b.Poll()
	if len(ch2) != maxPollBatch {
		t.Fatalf("first Poll delivered %d, want %d", len(ch2), maxPollBatch)
	}
	b.Poll()
	if len(ch2) != n {
		t.Fatalf("two Polls delivered %d, want %d", len(ch2), n)
	}
}

// Nobody polls (an audio device being reopened): RTP still keeps the
// session from timing out, and the timeout comes once RTP stops.
func TestPolledSessionTimeoutWithoutPolls(t *testing.T) {
	var timeouts atomic.Int32
	cfg := Config{Timeout: 400 * time.Millisecond, OnTimeout: func() { timeouts.Add(1) }}
	a, b, _ := polledPair(t, cfg)
	// A backlog larger than one Poll takes comes first: what counts is
	// the newest arrival, not the batch of old ones.
	for i := range 3 * maxPollBatch {
		must(t, a.SendRTP(0, false, uint32(i*160), []byte{1}))
	}
	for i := range 30 { // 1.5 s of packets, 50 ms apart
		must(t, a.SendRTP(0, false, uint32(i*160), []byte{1}))
		time.Sleep(50 * time.Millisecond)
	}
	if n := timeouts.Load(); n != 0 {
		t.Fatalf("timed out %d times while RTP arrived", n)
	}
	if rx := b.Stats().RTPRx; rx < 3*maxPollBatch+20 {
		t.Errorf("RTPRx %d after %d packets, not polled", rx, 3*maxPollBatch+30)
	}
	end := time.Now().Add(3 * time.Second)
	for timeouts.Load() == 0 && time.Now().Before(end) {
		time.Sleep(10 * time.Millisecond)
	}
	if timeouts.Load() != 1 {
		t.Fatalf("%d timeouts 3 s after RTP stopped, want 1", timeouts.Load())
	}
}

// Poll before Start and after Close does nothing.
func TestPolledSessionIdle(t *testing.T) {
	b, ch := newReceiver(t, Config{Polled: true})
	b.Poll()
	must(t, b.Close())
	b.Poll()
	if len(ch) != 0 {
		t.Fatalf("%d packets delivered", len(ch))
	}
}

func wrapArrivals(fn func(*rtp.Packet, time.Time, bool), at *[]time.Time) func(*rtp.Packet, time.Time, bool) {
	return func(p *rtp.Packet, t time.Time, newSrc bool) {
		*at = append(*at, t)
		fn(p, t, newSrc)
	}
}
