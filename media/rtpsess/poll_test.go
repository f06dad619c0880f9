package rtpsess

import (
	"os"
	"strconv"
	"strings"
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
	must(t, a.SendRTP(0, true, 0, []byte{0}))
	one := waitQueued(t, b.LocalPort(), 1) // what one datagram adds to the queue
	for i := 1; i < 3; i++ {
		must(t, a.SendRTP(0, false, uint32(i*160), []byte{byte(i)}))
	}
	// All three wait in the socket (loopback delivers in the kernel's
	// softirq, later on a busy machine), none was read.
	waitQueued(t, b.LocalPort(), 3*one)
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
	// What one queued datagram adds to the socket's receive queue.
	must(t, a.SendRTP(0, false, 0, []byte{0}))
	one := waitQueued(t, b.LocalPort(), 1)
	b.Poll()
	<-ch2
	n := maxPollBatch + 8
	for i := range n {
		must(t, a.SendRTP(0, false, uint32((i+1)*160), []byte{byte(i)}))
	}
	// Loopback delivers in the kernel's softirq, later on a busy machine:
	// wait until all n are queued.
	waitQueued(t, b.LocalPort(), n*one)
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
// session from timing out, and the timeout comes once RTP stops. The RTCP
// goroutine drains the socket when the timeout is due, so every datagram
// that arrived is counted by the time the timeout fires, however late that
// goroutine ran (under qemu-user on a busy machine it may miss a second).
func TestPolledSessionTimeoutWithoutPolls(t *testing.T) {
	var timeouts atomic.Int32
	cfg := Config{Timeout: 400 * time.Millisecond, OnTimeout: func() { timeouts.Add(1) }}
	a, b, _ := polledPair(t, cfg)
	// A backlog larger than one Poll takes comes first: what counts is
	// the newest arrival, not the batch of old ones.
	sent := 3*maxPollBatch + 30
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
	end := time.Now().Add(3 * time.Second)
	for timeouts.Load() == 0 && time.Now().Before(end) {
		time.Sleep(10 * time.Millisecond)
	}
	if timeouts.Load() != 1 {
		t.Fatalf("%d timeouts 3 s after RTP stopped, want 1", timeouts.Load())
	}
	// The socket's own drops (a full receive buffer) are the kernel's,
	// not the session's.
	_, drops := udpSocket(t, b.LocalPort())
	if st := b.Stats(); int(st.RTPRx)+drops != sent {
		t.Errorf("RTPRx %d + %d dropped by the kernel, %d sent, nothing polled: %+v", st.RTPRx, drops, sent, st)
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

// waitQueued waits until the IPv4 UDP socket bound to port has at least
// want bytes in its receive queue (/proc/net/udp's rx_queue, which counts
// each datagram's buffer) and returns that figure; it fails the test after
// 5 s.
func waitQueued(t *testing.T, port, want int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		q, _ := udpSocket(t, port)
		if q >= want && q > 0 {
			return q
		}
		if time.Now().After(deadline) {
			t.Fatalf("port %d: %d bytes queued after 5 s, want %d", port, q, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// udpSocket reads the IPv4 UDP socket on local port from /proc/net/udp
// ("sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt
// uid timeout inode ref pointer drops"): its receive queue in bytes (hex,
// each datagram's buffer) and the datagrams it dropped (decimal).
func udpSocket(t *testing.T, port int) (rxQueue, drops int) {
	t.Helper()
	b, err := os.ReadFile("/proc/net/udp")
	if err != nil {
		t.Skipf("no /proc/net/udp to see the socket's queue: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 13 {
			continue
		}
		_, lp, _ := strings.Cut(f[1], ":")
		if p, err := strconv.ParseUint(lp, 16, 16); err != nil || int(p) != port {
			continue
		}
		_, rq, _ := strings.Cut(f[4], ":")
		q, _ := strconv.ParseUint(rq, 16, 32)
		d, _ := strconv.Atoi(f[12])
		return int(q), d
	}
	t.Fatalf("port %d not in /proc/net/udp", port)
	return 0, 0
}
