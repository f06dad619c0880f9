//go:build linux && (amd64 || arm64 || arm)

package rtpsess

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// polledConn is an RTP socket outside the Go network poller, read only when
// its owner asks (Session.Poll, from the audio device's period) and written
// with non-blocking sendto(2). A socket in the poller costs a wake-up of the
// runtime for every arriving datagram even when nobody reads it: with 50
// packets a second that was a third of a call's context switches, and each
// costs 40-50 µs of CPU on a small or virtual machine. Arrival times come
// from the kernel (SO_TIMESTAMPNS), so reading late does not distort the
// jitter figures or the playout buffer.
//
// Reads and writes may run concurrently (one reader, one writer at a time);
// Close waits for both.
type polledConn struct {
	mu     sync.RWMutex // read-held by each call, held by Close
	fd     int          // -1 once closed
	family uint16       // AF_INET or AF_INET6
	stamps bool         // SO_TIMESTAMPNS is on

	r struct { // one reader at a time
		msgs [pollBatch]unix.Mmsghdr
		iov  [pollBatch]unix.Iovec
		from [pollBatch]unix.RawSockaddrAny
		ctl  [pollBatch][64]byte
		buf  [pollBatch][maxDatagram]byte
		got  [pollBatch]datagram
	}
	w struct {
		sa    unix.RawSockaddrAny
		salen uintptr
	}
}

// pollSupported says whether sessions can be polled on this platform.
const pollSupported = true

// newPolledConn moves c's socket out of the network poller: it duplicates
// the descriptor and closes c (which unregisters it). c is closed on error.
func newPolledConn(c *net.UDPConn) (*polledConn, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		_ = c.Close() // unused, never written: the first error is the one to report
		return nil, fmt.Errorf("rtpsess: %w", err)
	}
	fd := -1
	var serr error
	if err := rc.Control(func(f uintptr) { fd, serr = unix.FcntlInt(f, unix.F_DUPFD_CLOEXEC, 0) }); err != nil || serr != nil {
		_ = c.Close() // unused, never written: the first error is the one to report
		return nil, fmt.Errorf("rtpsess: dup: %w", errors.Join(err, serr))
	}
	if err := c.Close(); err != nil {
		_ = unix.Close(fd) // unused, never written: the first error is the one to report
		return nil, fmt.Errorf("rtpsess: %w", err)
	}
	p := &polledConn{fd: fd}
	sa, err := unix.Getsockname(fd)
	switch sa.(type) {
	case *unix.SockaddrInet4:
		p.family = unix.AF_INET
	case *unix.SockaddrInet6:
		p.family = unix.AF_INET6
	default:
		_ = unix.Close(fd) // unused, never written: the first error is the one to report
		return nil, fmt.Errorf("rtpsess: getsockname: %v %w", sa, err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd) // unused, never written: the first error is the one to report
		return nil, fmt.Errorf("rtpsess: %w", err)
	}
	p.stamps = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1) == nil
	return p, nil
}

// readBatch reads the datagrams waiting on the socket, at most pollBatch,
// with one recvmmsg(2): none waiting is an empty batch, not a wait. Each
// datagram's bytes stay valid until the next readBatch. Its arrival time is
// the kernel's, converted to now's clock; without one (or when it is off by
// more than a second, as after a clock step) it is now itself. now is
// called only when something was read.
func (p *polledConn) readBatch(now func() time.Time) ([]datagram, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.fd < 0 {
		return nil, net.ErrClosed
	}
	r := &p.r
	for i := range r.msgs {
		r.iov[i].Base = &r.buf[i][0]
		r.iov[i].SetLen(maxDatagram)
		r.msgs[i] = unix.Mmsghdr{Hdr: unix.Msghdr{Name: (*byte)(unsafe.Pointer(&r.from[i])),
			Namelen: uint32(unsafe.Sizeof(r.from[i])), Iov: &r.iov[i]}}
		r.msgs[i].Hdr.SetIovlen(1)
		if p.stamps {
			r.msgs[i].Hdr.Control = &r.ctl[i][0]
			r.msgs[i].Hdr.SetControllen(len(r.ctl[i]))
		}
	}
	for {
		// x/sys has struct mmsghdr but no recvmmsg(2) wrapper.
		k, _, e := unix.RawSyscall6(unix.SYS_RECVMMSG, uintptr(p.fd), uintptr(unsafe.Pointer(&r.msgs[0])),
			pollBatch, unix.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return nil, nil
		default:
			return nil, &net.OpError{Op: "read", Net: "udp", Err: e}
		}
		t := now()
		for i := range int(k) {
			m, d := &r.msgs[i], &r.got[i]
			*d = datagram{b: r.buf[i][:m.Len], from: sockaddrToAddrPort(&r.from[i]), at: t}
			if sec, nsec, found := p.stamp(&m.Hdr, &r.ctl[i]); found {
				d.at = arrival(t, time.Unix(sec, nsec))
			}
			if m.Hdr.Flags&unix.MSG_TRUNC != 0 {
				d.b, d.err = nil, errTruncated
			}
		}
		return r.got[:k], nil
	}
}

// stamp finds SCM_TIMESTAMPNS in a read datagram's control data.
func (p *polledConn) stamp(m *unix.Msghdr, buf *[64]byte) (sec, nsec int64, ok bool) {
	if !p.stamps {
		return 0, 0, false
	}
	ctl := buf[:min(int(m.Controllen), len(buf))]
	hdr := unix.CmsgLen(0)
	for len(ctl) >= hdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&ctl[0]))
		l := int(h.Len)
		if l < hdr || l > len(ctl) {
			return 0, 0, false
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && l-hdr >= int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&ctl[hdr]))
			s, ns := ts.Unix()
			return s, ns, true
		}
		ctl = ctl[min(unix.CmsgSpace(l-hdr), len(ctl)):]
	}
	return 0, 0, false
}

// arrival places the kernel's wall-clock stamp on now's clock (which may
// carry a monotonic reading): now minus the datagram's age.
func arrival(now, stamp time.Time) time.Time {
	age := now.Sub(stamp)
	if age < 0 || age > time.Second {
		return now
	}
	return now.Add(-age)
}

// WriteToUDPAddrPort sends b to dst without blocking: a full socket buffer
// is an error (the packet is dropped), not a wait in the audio period.
func (p *polledConn) WriteToUDPAddrPort(b []byte, dst netip.AddrPort) (int, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.fd < 0 {
		return 0, net.ErrClosed
	}
	if !p.setDst(dst) {
		return 0, &net.OpError{Op: "write", Net: "udp", Err: fmt.Errorf("%w: %v", errBadDst, dst)}
	}
	for {
		_, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(p.fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))),
			uintptr(len(b)), unix.MSG_DONTWAIT, uintptr(unsafe.Pointer(&p.w.sa)), p.w.salen)
		switch e {
		case 0:
			return len(b), nil
		case unix.EINTR:
			continue
		}
		return 0, &net.OpError{Op: "write", Net: "udp", Err: e}
	}
}

// Close closes the socket once no read or write is in progress.
func (p *polledConn) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fd < 0 {
		return nil
	}
	err := unix.Close(p.fd)
	p.fd = -1
	return err
}

// setDst encodes dst for the socket's family; false if it does not fit
// (an IPv6 destination on an IPv4 socket).
func (p *polledConn) setDst(dst netip.AddrPort) bool {
	port := dst.Port()
	switch p.family {
	case unix.AF_INET:
		a := dst.Addr().Unmap()
		if !a.Is4() {
			return false
		}
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(&p.w.sa))
		*sa = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: a.As4()}
		putPort(&sa.Port, port)
		p.w.salen = unsafe.Sizeof(*sa)
	default:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(&p.w.sa))
		*sa = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: dst.Addr().As16()}
		if z := dst.Addr().Zone(); z != "" {
			sa.Scope_id = zoneIndex(z)
		}
		putPort(&sa.Port, port)
		p.w.salen = unsafe.Sizeof(*sa)
	}
	return true
}

// putPort stores p in network byte order.
func putPort(dst *uint16, p uint16) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(p>>8), byte(p)
}

func getPort(src *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(src))
	return uint16(b[0])<<8 | uint16(b[1])
}

// sockaddrToAddrPort decodes a received source address as the net package
// does: IPv4-mapped addresses stay mapped on an IPv6 socket.
func sockaddrToAddrPort(rsa *unix.RawSockaddrAny) netip.AddrPort {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), getPort(&sa.Port))
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		a := netip.AddrFrom16(sa.Addr)
		if sa.Scope_id != 0 {
			a = a.WithZone(zoneName(int(sa.Scope_id)))
		}
		return netip.AddrPortFrom(a, getPort(&sa.Port))
	}
	return netip.AddrPort{}
}

// zoneIndex is the scope of a link-local zone name (rare: allocates).
func zoneIndex(zone string) uint32 {
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifi.Index)
	}
	n, _ := strconv.ParseUint(zone, 10, 32)
	return uint32(n)
}

// zoneName is the interface name of a link-local scope (rare: allocates).
func zoneName(index int) string {
	if ifi, err := net.InterfaceByIndex(index); err == nil {
		return ifi.Name
	}
	return strconv.Itoa(index)
}
