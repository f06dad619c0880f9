package phone

import (
	"net/netip"
	"sync"
	"time"
)

// bucket is a token bucket: rate tokens a second, at most burst saved up.
type bucket struct {
	tokens float64
	last   time.Time
}

// take spends one token if there is one.
func (b *bucket) take(now time.Time, rate, burst float64) bool {
	return b.takeN(now, 1, rate, burst)
}

// takeN spends n tokens if there are n.
func (b *bucket) takeN(now time.Time, n, rate, burst float64) bool {
	if b.last.IsZero() {
		b.tokens = burst
	} else if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(burst, b.tokens+dt*rate)
	}
	b.last = now
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}

// limit is a rate and a burst.
type limit struct {
	rate, burst float64
}

// perAddr is one token bucket per IP address in a table of fixed size: a
// new address takes the slot of the one seen longest ago, so a stranger
// with many addresses costs a fixed amount of memory (and, at worst, gets
// a fresh burst for an address it revisits after being pushed out).
type perAddr struct {
	lim   limit
	slots map[netip.Addr]*addrSlot
	ring  []netip.Addr // insertion order; ring[next] is the oldest
	next  int
}

type addrSlot struct {
	bucket
}

func newPerAddr(size int, lim limit) *perAddr {
	return &perAddr{lim: lim, slots: make(map[netip.Addr]*addrSlot, size), ring: make([]netip.Addr, 0, size)}
}

// take spends one token of ip's bucket.
func (t *perAddr) take(ip netip.Addr, now time.Time) bool { return t.takeN(ip, 1, now) }

// takeN spends n tokens of ip's bucket.
func (t *perAddr) takeN(ip netip.Addr, n float64, now time.Time) bool {
	s, ok := t.slots[ip]
	if !ok {
		s = t.insert(ip)
	}
	return s.takeN(now, n, t.lim.rate, t.lim.burst)
}

func (t *perAddr) insert(ip netip.Addr) *addrSlot {
	if len(t.ring) < cap(t.ring) {
		t.ring = append(t.ring, ip)
	} else {
		delete(t.slots, t.ring[t.next])
		t.ring[t.next] = ip
		t.next = (t.next + 1) % len(t.ring)
	}
	s := &addrSlot{}
	t.slots[ip] = s
	return s
}

// recentSet remembers the last n keys (hashes of Call-IDs), in a ring.
type recentSet struct {
	ring []uint64
	next int
}

func newRecentSet(n int) *recentSet { return &recentSet{ring: make([]uint64, n)} }

func (r *recentSet) add(k uint64) {
	if r.has(k) {
		return
	}
	r.ring[r.next] = k
	r.next = (r.next + 1) % len(r.ring)
}

func (r *recentSet) has(k uint64) bool {
	if k == 0 {
		return false
	}
	for _, v := range r.ring {
		if v == k {
			return true
		}
	}
	return false
}

// sentTo remembers the last few IP addresses the phone sent datagrams to
// (requests, and responses sipgo sent): a response from an address Allow
// does not admit reaches sipgo only from one of them. Every sipgo sender
// writes to it, hence the lock.
type sentTo struct {
	mu   sync.Mutex
	ring [32]netip.Addr
	next int
}

func (s *sentTo) add(ip netip.Addr) {
	ip = ip.Unmap()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.ring {
		if a == ip {
			return
		}
	}
	s.ring[s.next] = ip
	s.next = (s.next + 1) % len(s.ring)
}

func (s *sentTo) has(ip netip.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.ring {
		if a.IsValid() && a == ip {
			return true
		}
	}
	return false
}
