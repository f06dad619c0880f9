package rtpsess

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// testKey is a KeyLen key made from seed.
func testKey(seed byte) []byte {
	k := make([]byte, KeyLen)
	for i := range k {
		k[i] = seed + byte(i)*7
	}
	return k
}

// keyPair returns the keys of the two ends of a call: a's LocalKey is b's
// RemoteKey and the other way round.
func keyPair(suite string, seedA, seedB byte) (a, b *SRTP) {
	ka, kb := testKey(seedA), testKey(seedB)
	return &SRTP{Suite: suite, LocalKey: ka, RemoteKey: kb}, &SRTP{Suite: suite, LocalKey: kb, RemoteKey: ka}
}

// wire is one datagram the tap saw, with the port it came from.
type wire struct {
	from int
	b    []byte
}

// tap is a UDP relay between two sessions on an RTP/RTCP port pair of its
// own: both sessions take it as their peer, so every datagram between them
// crosses it on the wire and is recorded, and the test can inject
// datagrams from the peer's address.
type tap struct {
	rtp, rtcp *net.UDPConn
	a, b      int // the sessions' RTP ports
	rtpCh     chan wire
	rtcpCh    chan wire
	wg        sync.WaitGroup
}

func newTap(t *testing.T) *tap {
	t.Helper()
	c1, c2, err := bindAny(loopback)
	must(t, err)
	tp := &tap{rtp: c1, rtcp: c2, rtpCh: make(chan wire, 1000), rtcpCh: make(chan wire, 1000)}
	t.Cleanup(func() {
		_ = c1.Close()
		_ = c2.Close()
		tp.wg.Wait()
	})
	return tp
}

// addr is the tap's RTP address, the peer both sessions negotiate.
func (tp *tap) addr() netip.AddrPort { return tp.rtp.LocalAddr().(*net.UDPAddr).AddrPort() }

// run forwards between the sessions on ports a and b.
func (tp *tap) run(a, b int) {
	tp.a, tp.b = a, b
	tp.wg.Add(2)
	go tp.forward(tp.rtp, 0, tp.rtpCh)
	go tp.forward(tp.rtcp, 1, tp.rtcpCh)
}

func (tp *tap) forward(c *net.UDPConn, off int, ch chan wire) {
	defer tp.wg.Done()
	buf := make([]byte, 2000)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		to := tp.a
		if int(from.Port()) == tp.a+off {
			to = tp.b
		}
		select {
		case ch <- wire{int(from.Port()), bytes.Clone(buf[:n])}:
		default:
		}
		_, _ = c.WriteToUDPAddrPort(buf[:n], addr(to+off))
	}
}

// inject sends b to the session on RTP port to, from the tap's RTP (off 0)
// or RTCP (off 1) socket: from the negotiated peer's address.
func (tp *tap) inject(t *testing.T, off, to int, b []byte) {
	t.Helper()
	c := tp.rtp
	if off == 1 {
		c = tp.rtcp
	}
	_, err := c.WriteToUDPAddrPort(b, addr(to+off))
	must(t, err)
}

func next(t *testing.T, ch chan wire) wire {
	t.Helper()
	select {
	case w := <-ch:
		return w
	case <-time.After(5 * time.Second):
		t.Fatal("nothing on the wire")
		return wire{}
	}
}

// nextFrom is next for the datagrams from port (the sessions' own RTCP
// loops may send reports in between).
func nextFrom(t *testing.T, ch chan wire, port int) wire {
	t.Helper()
	for {
		if w := next(t, ch); w.from == port {
			return w
		}
	}
}

// waitStats polls s's counters until ok holds.
func waitStats(t *testing.T, s *Session, what string, ok func(Stats) bool) Stats {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := s.Stats()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: stats %+v", what, st)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// srtpPair starts two sessions a and b that talk through a tap with keys
// ka and kb.
func srtpPair(t *testing.T, ka, kb *SRTP) (a, b *Session, ach, bch chan rxPacket, tp *tap) {
	t.Helper()
	tp = newTap(t)
	a, ach = newReceiver(t, Config{})
	b, bch = newReceiver(t, Config{})
	tp.run(a.LocalPort(), b.LocalPort())
	must(t, a.Start(Peer{RTP: tp.addr(), Send: true, Recv: true, SRTP: ka}))
	must(t, b.Start(Peer{RTP: tp.addr(), Send: true, Recv: true, SRTP: kb}))
	return a, b, ach, bch, tp
}

func frame(i int) []byte {
	p := bytes.Repeat([]byte("PLAINTEXT-AUDIO!"), 10) // 160 bytes, as PCMU at 20 ms
	p[0] = byte(i)
	return p
}

// TestSRTPLoopback: two keyed sessions exchange RTP and RTCP; the wire
// carries neither the payload nor the CNAME in clear; a tampered packet
// and a replayed one (RTP and RTCP) are dropped and counted.
func TestSRTPLoopback(t *testing.T) {
	for _, tc := range []struct {
		suite string
		tag   int
	}{{SuiteAES80, 10}, {SuiteAES32, 4}} {
		t.Run(tc.suite, func(t *testing.T) {
			ka, kb := keyPair(tc.suite, 1, 100)
			a, b, ach, bch, tp := srtpPair(t, ka, kb)

			var sent []wire
			for i := range 5 {
				must(t, a.SendRTP(0, i == 0, uint32(i*160), frame(i)))
				w := next(t, tp.rtpCh)
				if w.from != a.LocalPort() {
					t.Fatalf("datagram from port %d", w.from)
				}
				if len(w.b) != 12+160+tc.tag {
					t.Fatalf("SRTP datagram of %d bytes, want %d", len(w.b), 12+160+tc.tag)
				}
				if bytes.Contains(w.b, []byte("PLAINTEXT")) {
					t.Fatalf("payload in clear on the wire: % x", w.b)
				}
				sent = append(sent, w)
				p := recvOne(t, bch)
				if !bytes.Equal(p.payload, frame(i)) || p.hdr.SSRC != a.SSRC() {
					t.Fatalf("packet %d: %+v % x", i, p.hdr, p.payload)
				}
			}
			must(t, b.SendRTP(8, false, 0, frame(9)))
			if p := recvOne(t, ach); !bytes.Equal(p.payload, frame(9)) || p.hdr.PayloadType != 8 {
				t.Fatalf("b to a: %+v", p.hdr)
			}
			next(t, tp.rtpCh)

			// RTCP: an SR from a, SRTCP on the wire (E flag, index, 80-bit tag).
			a.sendReport(time.Now())
			rw := nextFrom(t, tp.rtcpCh, a.LocalPort()+1)
			if bytes.Contains(rw.b, []byte(a.cfg.CNAME)) {
				t.Fatal("CNAME in clear: SRTCP not encrypted")
			}
			if e := rw.b[len(rw.b)-10-4]; e&0x80 == 0 {
				t.Fatalf("SRTCP E flag not set: % x", rw.b)
			}
			waitStats(t, b, "SR received", func(s Stats) bool { return s.RTCPRx >= 1 })

			// A flipped bit in the payload: dropped, counted.
			bad := bytes.Clone(sent[1].b)
			bad[40] ^= 0x01
			tp.inject(t, 0, b.LocalPort(), bad)
			waitStats(t, b, "tampered RTP", func(s Stats) bool { return s.SRTPDropped == 1 })
			// The same packet again: a replay, dropped, counted.
			tp.inject(t, 0, b.LocalPort(), sent[4].b)
			waitStats(t, b, "replayed RTP", func(s Stats) bool { return s.SRTPDropped == 2 })
			// SRTCP replayed, then tampered.
			tp.inject(t, 1, b.LocalPort(), rw.b)
			waitStats(t, b, "replayed RTCP", func(s Stats) bool { return s.SRTPDropped == 3 })
			bad = bytes.Clone(rw.b)
			bad[10] ^= 0x80
			tp.inject(t, 1, b.LocalPort(), bad)
			st := waitStats(t, b, "tampered RTCP", func(s Stats) bool { return s.SRTPDropped == 4 })
			if st.RTPRx != 5 || st.RTCPRx < 1 || st.Invalid != 0 || st.ForeignDropped != 0 {
				t.Fatalf("counters after the drops: %+v", st)
			}
			select {
			case p := <-bch:
				t.Fatalf("dropped packet delivered: %+v", p.hdr)
			default:
			}
			// The stream goes on after the drops.
			must(t, a.SendRTP(0, false, 5*160, frame(5)))
			if p := recvOne(t, bch); !bytes.Equal(p.payload, frame(5)) {
				t.Fatalf("after drops: % x", p.payload)
			}
		})
	}
}

// TestSRTPWrongKeys: a receiver with the wrong key (or a plain sender)
// drops everything, counts it and delivers nothing.
func TestSRTPWrongKeys(t *testing.T) {
	ka, kb := keyPair(SuiteAES80, 1, 100)
	kb.RemoteKey = testKey(55)
	a, b, _, bch, tp := srtpPair(t, ka, kb)
	for i := range 5 {
		must(t, a.SendRTP(0, false, uint32(i*160), frame(i)))
		next(t, tp.rtpCh)
	}
	a.sendReport(time.Now())
	nextFrom(t, tp.rtcpCh, a.LocalPort()+1)
	// 5 RTP and at least one RTCP (a's own loop may have sent another)
	st := waitStats(t, b, "wrong key", func(s Stats) bool { return s.SRTPDropped >= 6 })
	if st.RTPRx != 0 || st.RTCPRx != 0 {
		t.Fatalf("accepted under a wrong key: %+v", st)
	}
	// Plain RTP and RTCP to a keyed session: dropped too.
	before := st.SRTPDropped
	tp.inject(t, 0, b.LocalPort(), rawRTP(9, 1, 0))
	tp.inject(t, 1, b.LocalPort(), []byte{0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 9})
	st = waitStats(t, b, "plain to keyed", func(s Stats) bool { return s.SRTPDropped >= before+2 })
	if st.RTPRx != 0 || len(bch) != 0 {
		t.Fatalf("plain packet accepted: %+v", st)
	}
}

// TestSRTPRekey: Update with the same keys keeps the contexts; a new key
// re-keys its direction only; new keys and suite re-key both directions (a packet under the old key is then dropped);
// nil goes back to plain RTP.
func TestSRTPRekey(t *testing.T) {
	ka, kb := keyPair(SuiteAES80, 1, 100)
	a, b, _, bch, tp := srtpPair(t, ka, kb)
	must(t, a.SendRTP(0, false, 0, frame(0)))
	old := next(t, tp.rtpCh)
	recvOne(t, bch)

	ctx := b.rtpRx.ctx
	same := &SRTP{Suite: kb.Suite, LocalKey: bytes.Clone(kb.LocalKey), RemoteKey: bytes.Clone(kb.RemoteKey)}
	must(t, b.Update(Peer{RTP: tp.addr(), Send: true, Recv: true, SRTP: same}))
	if b.rtpRx.ctx != ctx {
		t.Fatal("the same keys re-keyed the session")
	}
	want := bytes.Clone(kb.RemoteKey)
	kb.RemoteKey[0] ^= 0xff // the session keeps its own copy
	if b.rtpRx.ctx != ctx || !bytes.Equal(b.keys.RemoteKey, want) {
		t.Fatal("caller's key slice aliased")
	}

	// Only the peer's key changes: our sending context stays.
	txCtx := b.rtpTx.ctx
	kb1 := &SRTP{Suite: same.Suite, LocalKey: same.LocalKey, RemoteKey: testKey(33)}
	must(t, b.Update(Peer{RTP: tp.addr(), Send: true, Recv: true, SRTP: kb1}))
	if b.rtpTx.ctx != txCtx || b.rtpRx.ctx == ctx {
		t.Fatal("a new remote key must re-key reception only")
	}

	ka2, kb2 := keyPair(SuiteAES32, 7, 70)
	must(t, a.Update(Peer{RTP: tp.addr(), Send: true, Recv: true, SRTP: ka2}))
	must(t, b.Update(Peer{RTP: tp.addr(), Send: true, Recv: true, SRTP: kb2}))
	if b.rtpRx.ctx == ctx || b.rtpTx.ctx == txCtx {
		t.Fatal("new keys did not re-key")
	}
	must(t, a.SendRTP(0, false, 160, frame(1)))
	if w := next(t, tp.rtpCh); len(w.b) != 12+160+4 {
		t.Fatalf("after re-key to the 32-bit suite: %d bytes", len(w.b))
	}
	if p := recvOne(t, bch); !bytes.Equal(p.payload, frame(1)) {
		t.Fatalf("after re-key: % x", p.payload)
	}
	// A packet under the old key with a sequence number not seen yet.
	stale := bytes.Clone(old.b)
	stale[3] += 10
	tp.inject(t, 0, b.LocalPort(), stale)
	waitStats(t, b, "old key", func(s Stats) bool { return s.SRTPDropped == 1 })

	must(t, a.Update(Peer{RTP: tp.addr(), Send: true, Recv: true}))
	must(t, b.Update(Peer{RTP: tp.addr(), Send: true, Recv: true}))
	must(t, a.SendRTP(0, false, 320, frame(2)))
	if w := next(t, tp.rtpCh); !bytes.Contains(w.b, []byte("PLAINTEXT")) || len(w.b) != 12+160 {
		t.Fatalf("SRTP off: not plain RTP on the wire (%d bytes)", len(w.b))
	}
	recvOne(t, bch)
}

func TestSRTPBadParams(t *testing.T) {
	s, _ := newReceiver(t, Config{})
	for _, k := range []*SRTP{
		{Suite: "AES_256_CM_HMAC_SHA1_80", LocalKey: testKey(1), RemoteKey: testKey(2)},
		{Suite: SuiteAES80, LocalKey: testKey(1)[:29], RemoteKey: testKey(2)},
		{Suite: SuiteAES80, LocalKey: testKey(1), RemoteKey: nil},
	} {
		if err := s.Start(Peer{RTP: addr(40000), Send: true, SRTP: k}); !errors.Is(err, ErrBadSRTP) {
			t.Fatalf("Start(%+v) = %v, want ErrBadSRTP", k, err)
		}
	}
	if s.started {
		t.Fatal("started with bad keys")
	}
	must(t, s.Start(Peer{RTP: addr(40000), Send: true}))
	err := s.Update(Peer{RTP: addr(40000), Send: true, SRTP: &SRTP{Suite: "x"}})
	if !errors.Is(err, ErrBadSRTP) || s.keys != nil {
		t.Fatalf("Update with a bad suite: %v, keys %+v", err, s.keys)
	}
}

// keyedFuzzSession is fuzzSession keyed with k (its RemoteKey is what the
// test's packets are protected with).
func keyedFuzzSession(tb testing.TB, k *SRTP) *Session {
	s := fuzzSession(tb)
	c, err := newContexts(k)
	if err != nil {
		tb.Fatal(err)
	}
	s.mu.Lock()
	s.rekeyLocked(k, c)
	s.mu.Unlock()
	return s
}

// protector protects packets as the peer would.
func protector(tb testing.TB, key []byte, suite string) *cryptoDir {
	c, err := newContexts(&SRTP{Suite: suite, LocalKey: key, RemoteKey: key})
	if err != nil {
		tb.Fatal(err)
	}
	d := &cryptoDir{}
	d.set(c.rtpTx)
	return d
}

// srtpPackets returns n SRTP packets of ssrc 7 with 160-byte payloads and
// consecutive sequence numbers, protected with key.
func srtpPackets(tb testing.TB, key []byte, n int) [][]byte {
	tx := protector(tb, key, SuiteAES80)
	out := make([][]byte, n)
	plain := make([]byte, 12+160)
	for i := range out {
		h := rtp.Header{Version: 2, SSRC: 7, SequenceNumber: uint16(i), Timestamp: uint32(i * 160)}
		if _, err := h.MarshalTo(plain); err != nil {
			tb.Fatal(err)
		}
		b, err := tx.protectRTP(plain)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = bytes.Clone(b)
	}
	return out
}

// TestSRTPNoAllocs: protecting and sending a frame, and receiving,
// authenticating and delivering one, allocate nothing in steady state.
func TestSRTPNoAllocs(t *testing.T) {
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	must(t, err)
	defer sink.Close()
	ka, _ := keyPair(SuiteAES80, 1, 100)
	s, _ := newReceiver(t, Config{})
	must(t, s.Start(Peer{RTP: sink.LocalAddr().(*net.UDPAddr).AddrPort(), Send: true, SRTP: ka}))
	payload := frame(0)
	ts := uint32(0)
	must(t, s.SendRTP(0, false, ts, payload))
	if n := testing.AllocsPerRun(1000, func() {
		ts += 160
		if err := s.SendRTP(0, false, ts, payload); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("SRTP send: %v allocs per frame", n)
	}

	rx := keyedFuzzSession(t, &SRTP{Suite: SuiteAES80, LocalKey: testKey(3), RemoteKey: testKey(4)})
	pkts := srtpPackets(t, testKey(4), 1100)
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	var pkt rtp.Packet
	i := 0
	if n := testing.AllocsPerRun(1000, func() {
		rx.handleRTP(pkts[i], from, time.Now(), &pkt)
		i++
	}); n != 0 {
		t.Errorf("SRTP receive: %v allocs per frame", n)
	}
	if st := rx.Stats(); st.RTPRx != uint64(i) || st.SRTPDropped != 0 {
		t.Fatalf("receive path did not accept the packets: %+v (%d sent)", st, i)
	}
}

// FuzzHandleSRTP feeds arbitrary datagrams to a keyed session's RTP and
// RTCP receive paths: never a crash, and nothing forged is accepted.
func FuzzHandleSRTP(f *testing.F) {
	k := &SRTP{Suite: SuiteAES32, LocalKey: testKey(3), RemoteKey: testKey(4)}
	s := keyedFuzzSession(f, k)
	good := srtpPackets(f, testKey(4), 2)
	f.Add(good[0])
	f.Add(rawRTP(1, 65535, 0xffffffff))
	f.Add([]byte{0x90, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{0xa0, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{0x8f, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1})
	rtpFrom := netip.MustParseAddrPort("127.0.0.1:40000")
	rtcpFrom := netip.MustParseAddrPort("127.0.0.1:40001")
	var pkt rtp.Packet
	f.Fuzz(func(t *testing.T, b []byte) {
		s.handleRTP(b, rtpFrom, time.Now(), &pkt)
		s.handleRTCP(b, rtcpFrom)
		_ = s.Stats()
	})
}

// BenchmarkSRTPProtectUnprotect is one 20 ms PCMU frame protected (as
// SendRTP does) and unprotected (as the receive path does).
func BenchmarkSRTPProtectUnprotect(b *testing.B) {
	for _, suite := range []string{SuiteAES80, SuiteAES32} {
		b.Run(suite, func(b *testing.B) {
			key := testKey(9)
			tx := protector(b, key, suite)
			c, err := newContexts(&SRTP{Suite: suite, LocalKey: key, RemoteKey: key})
			if err != nil {
				b.Fatal(err)
			}
			rx := &cryptoDir{}
			rx.set(c.rtpRx)
			plain := make([]byte, 12+160)
			h := rtp.Header{Version: 2, SSRC: 7}
			b.ReportAllocs()
			for i := range b.N {
				h.SequenceNumber, h.Timestamp = uint16(i), uint32(i*160)
				if _, err := h.MarshalTo(plain); err != nil {
					b.Fatal(err)
				}
				out, err := tx.protectRTP(plain)
				if err != nil {
					b.Fatal(err)
				}
				if _, ok := rx.unprotectRTP(out); !ok {
					b.Fatal("unprotect failed")
				}
			}
		})
	}
}

// BenchmarkReceiveSRTP is BenchmarkReceiveRTP with SRTP: authenticate,
// decrypt, parse, filter and count one packet.
func BenchmarkReceiveSRTP(b *testing.B) {
	s := keyedFuzzSession(b, &SRTP{Suite: SuiteAES80, LocalKey: testKey(3), RemoteKey: testKey(4)})
	tx := protector(b, testKey(4), SuiteAES80)
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	plain := make([]byte, 12+160)
	wireBuf := make([]byte, 0, maxDatagram)
	h := rtp.Header{Version: 2, SSRC: 7}
	var pkt rtp.Packet
	b.ReportAllocs()
	for i := range b.N {
		b.StopTimer()
		h.SequenceNumber, h.Timestamp = uint16(i), uint32(i*160)
		_, _ = h.MarshalTo(plain)
		out, err := tx.protectRTP(plain)
		if err != nil {
			b.Fatal(err)
		}
		wireBuf = append(wireBuf[:0], out...)
		b.StartTimer()
		s.handleRTP(wireBuf, from, time.Now(), &pkt)
	}
}
