package impair

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// relayRig is a target socket, a relay in front of it and a client
// socket, on loopback, closed when the test ends; dst is where the client
// sends to reach the relay.
type relayRig struct {
	target, client *net.UDPConn
	r              *Relay
	dst            *net.UDPAddr
}

func newRelayRig(t *testing.T, cfg Config) relayRig {
	t.Helper()
	target, err := listenLocal(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = target.Close() })
	r, err := New(cfg, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port(target))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	client, err := listenLocal(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return relayRig{target: target, client: client, r: r, dst: &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: r.ListenPort()}}
}

// exchange sends n numbered datagrams client -> relay -> target and returns
// the order and arrival delays seen by the target.
func exchange(t *testing.T, cfg Config, n int) ([]byte, []time.Duration, *Relay) {
	t.Helper()
	rig := newRelayRig(t, cfg)
	target, client, r, dst := rig.target, rig.client, rig.r, rig.dst
	sent := make([]time.Time, n)
	for i := range n {
		sent[i] = time.Now()
		_, _ = client.WriteTo([]byte{byte(i)}, dst)
	}
	var order []byte
	var delays []time.Duration
	buf := make([]byte, 10)
	_ = target.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		k, from, err := target.ReadFromUDPAddrPort(buf)
		if err != nil || k != 1 {
			break
		}
		if int(from.Port()) != r.OutPort() {
			t.Fatalf("datagram from %v, want relay out port %d", from, r.OutPort())
		}
		order = append(order, buf[0])
		delays = append(delays, time.Since(sent[buf[0]]))
		if len(order) == n+int(r.Stats().Duplicated)-int(r.Stats().Lost) {
			break
		}
	}
	return order, delays, r
}

func TestLossAndDuplicationFromSeed(t *testing.T) {
	order, _, r := exchange(t, Config{Seed: 42, Loss: 0.2, Duplicate: 0.1}, 200)
	st := r.Stats()
	if st.Lost < 20 || st.Lost > 60 || st.Duplicated < 8 || st.Duplicated > 35 {
		t.Fatalf("stats %+v", st)
	}
	if len(order) != 200-int(st.Lost)+int(st.Duplicated) {
		t.Fatalf("received %d datagrams, stats %+v", len(order), st)
	}
	// same seed, same decisions
	_, _, r2 := exchange(t, Config{Seed: 42, Loss: 0.2, Duplicate: 0.1}, 200)
	if r2.Stats().Lost != st.Lost || r2.Stats().Duplicated != st.Duplicated {
		t.Fatalf("not reproducible: %+v vs %+v", r2.Stats(), st)
	}
}

func TestDelayJitterReorder(t *testing.T) {
	order, delays, r := exchange(t, Config{Seed: 1, Delay: 30 * time.Millisecond, Jitter: 10 * time.Millisecond, Reorder: 0.2}, 50)
	if len(order) != 50 {
		t.Fatalf("got %d", len(order))
	}
	for _, d := range delays {
		if d < 19*time.Millisecond {
			t.Fatalf("delay %v below 30-10 ms", d)
		}
	}
	inversions := 0
	for i := 1; i < len(order); i++ {
		if order[i] < order[i-1] {
			inversions++
		}
	}
	if r.Stats().Reordered == 0 || inversions == 0 {
		t.Fatalf("no reordering: %+v", r.Stats())
	}
}

func TestAnswersGoBackToClient(t *testing.T) {
	target, _ := listenLocal(0)
	defer target.Close()
	p, err := NewPair(Config{}, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port(target))))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.ListenPort()%2 != 0 || p.OutPort()%2 != 0 {
		t.Fatalf("odd ports %d %d", p.ListenPort(), p.OutPort())
	}
	client, _ := listenLocal(0)
	defer client.Close()
	_, _ = client.WriteTo([]byte("hi"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p.ListenPort()})
	buf := make([]byte, 10)
	_ = target.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, from, err := target.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = target.WriteTo([]byte("yo"), from)
	_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := client.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "yo" {
		t.Fatalf("answer %q %v", buf[:n], err)
	}
}
