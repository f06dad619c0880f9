package impair

import (
	"encoding/binary"
	"math"
	"net"
	"testing"
	"time"
)

// BurstLoss(0.05, 3) loses 5% of packets in runs of 3 on average.
func TestBurstLossModel(t *testing.T) {
	g := BurstLoss(0.05, 3)
	if math.Abs(g.Loss()-0.05) > 1e-12 {
		t.Fatalf("BurstLoss(0.05, 3).Loss() = %v", g.Loss())
	}
	s := newGEState(9, 0)
	const n = 400000
	lost, runs, prev := 0, 0, false
	for range n {
		d := s.drop(g)
		if d {
			lost++
			if !prev {
				runs++
			}
		}
		prev = d
	}
	frac, mean := float64(lost)/n, float64(lost)/float64(runs)
	t.Logf("%d packets: %.2f%% lost in %d runs of %.2f on average", n, 100*frac, runs, mean)
	if math.Abs(frac-0.05) > 0.003 || math.Abs(mean-3) > 0.15 {
		t.Errorf("%.2f%% lost in runs of %.2f, want 5%% in runs of 3", 100*frac, mean)
	}
	if (GilbertElliott{}).on() || BurstLoss(0, 3).on() || !BurstLoss(0.01, 1).on() {
		t.Error("the zero model and no loss must be off, any loss on")
	}
}

// Through the relay, the same loss rate comes in longer runs with Burst
// than with Loss, each from its seed.
func TestBurstLossThroughRelay(t *testing.T) {
	b := paced(t, Config{Seed: 3, Burst: BurstLoss(0.1, 4)}, 1000)
	u := paced(t, Config{Seed: 3, Loss: 0.1}, 1000)
	meanB := float64(b.Lost) / float64(max(b.Bursts, 1))
	meanU := float64(u.Lost) / float64(max(u.Bursts, 1))
	t.Logf("burst: %d lost in %d runs (%.2f); uniform: %d lost in %d runs (%.2f)", b.Lost, b.Bursts, meanB, u.Lost, u.Bursts, meanU)
	if b.Lost < 50 || b.Lost > 160 || meanB < 2.5 || u.Lost < 60 || u.Lost > 140 || meanU > 1.4 {
		t.Errorf("10%% in bursts of 4: %+v (runs of %.2f); 10%% uniform: %+v (runs of %.2f)", b, meanB, u, meanU)
	}
	if again := paced(t, Config{Seed: 3, Burst: BurstLoss(0.1, 4)}, 1000); again.Lost != b.Lost || again.Bursts != b.Bursts {
		t.Errorf("not reproducible from the seed: %+v vs %+v", again, b)
	}
}

// paced sends n datagrams to a relay, 10 every millisecond (as RTP comes,
// not faster than the sockets' buffers take), and returns its stats once
// it has handled them all.
func paced(t *testing.T, cfg Config, n int) Stats {
	t.Helper()
	rig := newRelayRig(t, cfg)
	client, r, dst := rig.client, rig.r, rig.dst
	for i := range n {
		if _, err := client.WriteTo([]byte{byte(i)}, dst); err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 {
			time.Sleep(time.Millisecond) // pacing the sender, as a call's RTP is paced
		}
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if st := r.Stats(); st.Forwarded+st.Lost == uint64(n) {
			return st
		}
	}
	t.Fatalf("the relay handled %+v of %d datagrams", r.Stats(), n)
	return Stats{}
}

// The packets a direction loses to Burst depend on the seed only, not on
// what the other direction sends meanwhile.
func TestBurstLossPerDirection(t *testing.T) {
	alone := survivors(t, 0)
	busy := survivors(t, 3)
	if len(alone) < 250 || len(alone) > 295 {
		t.Fatalf("%d of 300 datagrams through, want about 95%%", len(alone))
	}
	if len(busy) != len(alone) {
		t.Fatalf("%d datagrams through with traffic back, %d without", len(busy), len(alone))
	}
	for i := range alone {
		if alone[i] != busy[i] {
			t.Fatalf("datagram %d through with traffic back, %d without", busy[i], alone[i])
		}
	}
}

// survivors sends 300 numbered datagrams through a relay losing 5% in
// bursts of 3, with back datagrams from the target after each, and
// returns the numbers that arrived.
func survivors(t *testing.T, back int) []uint16 {
	t.Helper()
	rig := newRelayRig(t, Config{Seed: 11, Burst: BurstLoss(0.05, 3)})
	target, client, r, dst := rig.target, rig.client, rig.r, rig.dst
	back0 := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: r.OutPort()}
	var got []uint16
	buf := make([]byte, 16)
	for i := range 300 {
		if _, err := client.WriteTo(binary.BigEndian.AppendUint16(nil, uint16(i)), dst); err != nil {
			t.Fatal(err)
		}
		// Each datagram arrives or is lost before the next is sent, so
		// that the back traffic interleaves with it.
		_ = target.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if n, _, err := target.ReadFrom(buf); err == nil && n == 2 {
			got = append(got, binary.BigEndian.Uint16(buf))
		}
		for range back {
			if _, err := target.WriteTo([]byte("back"), back0); err != nil {
				t.Fatal(err)
			}
		}
	}
	return got
}
