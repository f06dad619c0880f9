package phone

import (
	"errors"
	"net/netip"
	"sync"
	"time"
)

// The gate reads only UDP: sipgo frames TCP streams itself, and each
// request it frames becomes a transaction that lives 32 s (about 6.5 KB).
// So what TCP peers may send is bounded in bytes, before sipgo parses it:
// 8 KiB a second (burst 32 KiB) per peer IP and 16 KiB a second (burst
// 64 KiB) from all of them, about 50 requests a second, which keeps what
// their transactions hold near 10 MB at worst. A SIP call needs a few KiB.
// A connection that goes past its budget is closed (sipgo ends a
// connection whose read filter fails).
var (
	tcpPerIP = limit{rate: 8 << 10, burst: 32 << 10}
	tcpAll   = limit{rate: 16 << 10, burst: 64 << 10}
)

// errTCPBudget closes a TCP connection that sent more than its budget.
var errTCPBudget = errors.New("phone: TCP peer over its byte budget: connection closed")

// tcpBudget is the byte budget of TCP reads; sipgo reads each connection
// on its own goroutine, hence the lock.
type tcpBudget struct {
	mu    sync.Mutex
	perIP *perAddr
	all   bucket
}

func newTCPBudget() *tcpBudget {
	return &tcpBudget{perIP: newPerAddr(gateAddrs, tcpPerIP)}
}

// spend takes n bytes from ip's budget and the global one.
func (b *tcpBudget) spend(ip netip.Addr, n int, now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.perIP.takeN(ip, float64(n), now) || !b.all.takeN(now, float64(n), tcpAll.rate, tcpAll.burst) {
		return errTCPBudget
	}
	return nil
}
