package impair

import (
	"container/heap"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"
)

// ErrNoPorts means no port pair could be bound on 127.0.0.1.
var ErrNoPorts = errors.New("impair: no free port pair")

// Config is the impairment applied to each direction.
type Config struct {
	Seed      uint64
	Delay     time.Duration // added to every packet
	Jitter    time.Duration // plus a uniform draw in [-Jitter, +Jitter]
	Loss      float64       // probability a packet is dropped
	Reorder   float64       // probability a packet is held back by ReorderBy
	ReorderBy time.Duration // default 50ms
	Duplicate float64       // probability a packet is sent twice
	// Burst loses packets in bursts (see GilbertElliott, BurstLoss), on
	// top of Loss; each direction has its own chain and random numbers.
	Burst GilbertElliott
}

// Stats counts what the relay did, both directions together.
type Stats struct {
	Forwarded, Lost, Reordered, Duplicated uint64
	// Bursts counts the runs of consecutive packets lost in a direction:
	// Lost/Bursts is the mean length of a run.
	Bursts uint64
}

// Relay forwards and impairs datagrams between a client and a target.
type Relay struct {
	cfg    Config
	listen *net.UDPConn
	out    *net.UDPConn
	target netip.AddrPort

	mu     sync.Mutex
	rng    *rand.Rand
	client netip.AddrPort
	burst  [2]geState // per direction: to the target, to the client
	inRun  [2]bool    // per direction: the last packet was lost
	queue  pending
	stats  Stats
	wake   chan struct{}
	done   chan struct{}
	wg     sync.WaitGroup
}

// newRelay runs a relay over two bound sockets.
func newRelay(cfg Config, listen, out *net.UDPConn, target netip.AddrPort) *Relay {
	if cfg.ReorderBy == 0 {
		cfg.ReorderBy = 50 * time.Millisecond
	}
	r := &Relay{cfg: cfg, listen: listen, out: out, target: target,
		rng:   rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		burst: [2]geState{newGEState(cfg.Seed, 0), newGEState(cfg.Seed, 1)},
		wake:  make(chan struct{}, 1), done: make(chan struct{})}
	r.wg.Add(3)
	go r.read(listen, true)
	go r.read(out, false)
	go r.sendLoop()
	return r
}

// New binds a relay on 127.0.0.1 forwarding to target.
func New(cfg Config, target netip.AddrPort) (*Relay, error) {
	l, err := listenLocal(0)
	if err != nil {
		return nil, err
	}
	o, err := listenLocal(0)
	if err != nil {
		_ = l.Close() // unused, never written: the listen error is the one to report
		return nil, err
	}
	return newRelay(cfg, l, o, target), nil
}

// ListenPort is where the client sends.
func (r *Relay) ListenPort() int { return port(r.listen) }

// OutPort is where the target sends its answers.
func (r *Relay) OutPort() int { return port(r.out) }

// Stats returns the counters.
func (r *Relay) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Close stops the relay.
func (r *Relay) Close() error {
	close(r.done)
	err1 := r.listen.Close()
	err2 := r.out.Close()
	r.wg.Wait()
	return errors.Join(err1, err2)
}

// read takes datagrams from one side and schedules them for the other.
func (r *Relay) read(c *net.UDPConn, fromClient bool) {
	defer r.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			select {
			case <-r.done:
				return
			default:
				continue
			}
		}
		r.schedule(append([]byte(nil), buf[:n]...), from, fromClient)
	}
}

// schedule draws the impairment of one datagram and queues its copies.
func (r *Relay) schedule(b []byte, from netip.AddrPort, fromClient bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var via *net.UDPConn
	var dst netip.AddrPort
	if fromClient {
		r.client = from
		via, dst = r.out, r.target
	} else {
		if !r.client.IsValid() {
			return
		}
		via, dst = r.listen, r.client
	}
	dir := 0
	if !fromClient {
		dir = 1
	}
	lost := r.rng.Float64() < r.cfg.Loss
	if r.cfg.Burst.on() && r.burst[dir].drop(r.cfg.Burst) {
		lost = true
	}
	if lost {
		r.stats.Lost++
		if !r.inRun[dir] {
			r.stats.Bursts++
		}
		r.inRun[dir] = true
		return
	}
	r.inRun[dir] = false
	d := r.cfg.Delay
	if r.cfg.Jitter > 0 {
		d += time.Duration(r.rng.Int64N(int64(2*r.cfg.Jitter)+1)) - r.cfg.Jitter
	}
	if r.rng.Float64() < r.cfg.Reorder {
		d += r.cfg.ReorderBy
		r.stats.Reordered++
	}
	now := time.Now()
	heap.Push(&r.queue, item{at: now.Add(max(d, 0)), b: b, via: via, dst: dst})
	if r.rng.Float64() < r.cfg.Duplicate {
		r.stats.Duplicated++
		heap.Push(&r.queue, item{at: now.Add(max(d, 0) + time.Millisecond), b: b, via: via, dst: dst})
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// sendLoop sends queued datagrams when they are due.
func (r *Relay) sendLoop() {
	defer r.wg.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		r.mu.Lock()
		var due []item
		now := time.Now()
		for r.queue.Len() > 0 && !r.queue[0].at.After(now) {
			due = append(due, heap.Pop(&r.queue).(item))
		}
		wait := time.Hour
		if r.queue.Len() > 0 {
			wait = r.queue[0].at.Sub(now)
		}
		r.stats.Forwarded += uint64(len(due))
		r.mu.Unlock()
		for _, it := range due {
			_, _ = it.via.WriteToUDPAddrPort(it.b, it.dst) // a failed send is a loss, as on a network
		}
		t.Reset(wait)
		select {
		case <-r.done:
			return
		case <-r.wake:
		case <-t.C:
		}
	}
}

func listenLocal(p int) (*net.UDPConn, error) {
	return net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
}

func port(c *net.UDPConn) int { return c.LocalAddr().(*net.UDPAddr).Port }
