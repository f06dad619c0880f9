package impair

import (
	"net"
	"net/netip"
	"time"
)

// item is a datagram waiting for its send time.
type item struct {
	at  time.Time
	b   []byte
	via *net.UDPConn
	dst netip.AddrPort
}

// pending is a min-heap of items by send time (container/heap).
type pending []item

func (p pending) Len() int           { return len(p) }
func (p pending) Less(i, j int) bool { return p[i].at.Before(p[j].at) }
func (p pending) Swap(i, j int)      { p[i], p[j] = p[j], p[i] }
func (p *pending) Push(x any)        { *p = append(*p, x.(item)) }
func (p *pending) Pop() any {
	old := *p
	it := old[len(old)-1]
	*p = old[:len(old)-1]
	return it
}
