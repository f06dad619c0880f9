package phone

import (
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// sipgo's UDP reader remembers every source address:port it reads (in its
// connection pool, and in a set of its own) until its read loop ends: about
// 150 bytes each, for ever. Strangers never reach it (the gate answers
// them), but with calls.allow empty anyone is admitted, and one host can
// send from 60,000 ports. So the gate counts the distinct addresses it has
// handed to sipgo, up to sipgoAddrs. A full table admits new addresses only
// from the current call's peer (the others get 503), and the socket is read
// with a deadline: once nothing has arrived for recycleQuiet while the
// phone has no call, the read returns errRecycle (a net.ErrClosed, which
// ends sipgo's read loop quietly and makes it forget every address) and Run
// serves the same socket again at once. The quiet time lets sipgo's request
// goroutines, which look the source address up in the pool to answer,
// finish with the old table.

// sipgoAddrs bounds what sipgo remembers: 4096 addresses, about 0.6 MB.
const sipgoAddrs = 4096

// recycleQuiet is how long nothing must arrive before a full table is
// recycled.
const recycleQuiet = 200 * time.Millisecond

// errRecycle ends sipgo's UDP read loop so that it forgets its addresses.
var errRecycle = fmt.Errorf("phone: recycling the SIP stack's address table: %w", net.ErrClosed)

// addrTable is the set of addresses the gate has passed to sipgo since its
// read loop started. Only the gate's goroutine (sipgo's reader) uses it,
// but for recycles, which tests read.
type addrTable struct {
	max      int
	seen     map[netip.AddrPort]struct{}
	recycles atomic.Uint64
}

func newAddrTable(max int) *addrTable {
	return &addrTable{max: max, seen: make(map[netip.AddrPort]struct{}, 64)}
}

// full reports whether the table holds max addresses.
func (t *addrTable) full() bool { return len(t.seen) >= t.max }

// admitAddr records src as passed to sipgo, or reports false when the
// table is full and src is not the current call's peer.
func (g *gate) admitAddr(src netip.AddrPort) bool {
	t := g.addrs
	if _, ok := t.seen[src]; ok {
		return true
	}
	if t.full() {
		c := g.p.current()
		if c == nil || src.Addr() != c.peer.Addr().Unmap() && !g.p.isProxy(src.Addr()) {
			return false
		}
	}
	t.seen[src] = struct{}{}
	return true
}

// recycle empties a full table when the phone has no call, and reports
// whether it did (sipgo's read loop must then end).
func (g *gate) recycle() bool {
	t := g.addrs
	if !t.full() || g.p.current() != nil {
		return false
	}
	clear(t.seen)
	n := t.recycles.Add(1)
	g.p.log.Debug("SIP stack's address table recycled", "addresses", t.max, "recycles", n)
	return true
}
