//go:build linux && (amd64 || arm64 || arm)

package rtpsess

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
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

	r struct {
		iov  syscall.Iovec
		msg  syscall.Msghdr
		from syscall.RawSockaddrAny
		ctl  [64]byte
	}
	w struct {
		sa    syscall.RawSockaddrAny
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
		_ = c.Close()
		return nil, fmt.Errorf("rtpsess: %w", err)
	}
	fd := -1
	var serr error
	if err := rc.Control(func(f uintptr) { fd, serr = dupCloexec(int(f)) }); err != nil || serr != nil {
		_ = c.Close()
		return nil, fmt.Errorf("rtpsess: dup: %w", errors.Join(err, serr))
	}
	if err := c.Close(); err != nil {
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("rtpsess: %w", err)
	}
	p := &polledConn{fd: fd}
	sa, err := syscall.Getsockname(fd)
	switch sa.(type) {
	case *syscall.SockaddrInet4:
		p.family = syscall.AF_INET
	case *syscall.SockaddrInet6:
		p.family = syscall.AF_INET6
	default:
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("rtpsess: getsockname: %v %w", sa, err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("rtpsess: %w", err)
	}
	p.stamps = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1) == nil
	return p, nil
}

func dupCloexec(fd int) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

// tryRead reads one waiting datagram into b. ok is false when none waits.
// at is the kernel's arrival time, converted to now's clock; without one
// (or when it is off by more than a second, as after a clock step) it is
// now itself. now is called only when a datagram was read.
func (p *polledConn) tryRead(b []byte, now func() time.Time) (n int, from netip.AddrPort, at time.Time, ok bool, err error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.fd < 0 {
		return 0, netip.AddrPort{}, time.Time{}, false, net.ErrClosed
	}
	r := &p.r
	r.iov.Base = unsafe.SliceData(b)
	r.iov.SetLen(len(b))
	r.msg = syscall.Msghdr{Name: (*byte)(unsafe.Pointer(&r.from)), Namelen: uint32(unsafe.Sizeof(r.from)), Iov: &r.iov}
	r.msg.Iovlen = 1
	if p.stamps {
		r.msg.Control = &r.ctl[0]
		r.msg.SetControllen(len(r.ctl))
	}
	for {
		m, _, e := syscall.RawSyscall(syscall.SYS_RECVMSG, uintptr(p.fd), uintptr(unsafe.Pointer(&r.msg)), syscall.MSG_DONTWAIT)
		r.iov.Base = nil
		switch e {
		case 0:
		case syscall.EINTR:
			r.iov.Base = unsafe.SliceData(b)
			continue
		case syscall.EAGAIN:
			return 0, netip.AddrPort{}, time.Time{}, false, nil
		default:
			return 0, netip.AddrPort{}, time.Time{}, false, &net.OpError{Op: "read", Net: "udp", Err: e}
		}
		t := now()
		if sec, nsec, found := p.stamp(); found {
			t = arrival(t, time.Unix(sec, nsec))
		}
		if r.msg.Flags&syscall.MSG_TRUNC != 0 {
			return 0, netip.AddrPort{}, t, true, errTruncated
		}
		return int(m), sockaddrToAddrPort(&r.from), t, true, nil
	}
}

// stamp finds SCM_TIMESTAMPNS in the last read's control data.
func (p *polledConn) stamp() (sec, nsec int64, ok bool) {
	if !p.stamps {
		return 0, 0, false
	}
	ctl := p.r.ctl[:p.r.msg.Controllen]
	hdr := syscall.CmsgLen(0)
	for len(ctl) >= hdr {
		h := (*syscall.Cmsghdr)(unsafe.Pointer(&ctl[0]))
		l := int(h.Len)
		if l < hdr || l > len(ctl) {
			return 0, 0, false
		}
		if h.Level == syscall.SOL_SOCKET && h.Type == syscall.SCM_TIMESTAMPNS && l-hdr >= int(unsafe.Sizeof(syscall.Timespec{})) {
			ts := (*syscall.Timespec)(unsafe.Pointer(&ctl[hdr]))
			s, ns := ts.Unix()
			return s, ns, true
		}
		ctl = ctl[min(syscall.CmsgSpace(l-hdr), len(ctl)):]
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
		_, _, e := syscall.RawSyscall6(syscall.SYS_SENDTO, uintptr(p.fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))),
			uintptr(len(b)), syscall.MSG_DONTWAIT, uintptr(unsafe.Pointer(&p.w.sa)), p.w.salen)
		switch e {
		case 0:
			return len(b), nil
		case syscall.EINTR:
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
	err := syscall.Close(p.fd)
	p.fd = -1
	return err
}

// setDst encodes dst for the socket's family; false if it does not fit
// (an IPv6 destination on an IPv4 socket).
func (p *polledConn) setDst(dst netip.AddrPort) bool {
	port := dst.Port()
	switch p.family {
	case syscall.AF_INET:
		a := dst.Addr().Unmap()
		if !a.Is4() {
			return false
		}
		sa := (*syscall.RawSockaddrInet4)(unsafe.Pointer(&p.w.sa))
		*sa = syscall.RawSockaddrInet4{Family: syscall.AF_INET, Addr: a.As4()}
		putPort(&sa.Port, port)
		p.w.salen = unsafe.Sizeof(*sa)
	default:
		sa := (*syscall.RawSockaddrInet6)(unsafe.Pointer(&p.w.sa))
		*sa = syscall.RawSockaddrInet6{Family: syscall.AF_INET6, Addr: dst.Addr().As16()}
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
func sockaddrToAddrPort(rsa *syscall.RawSockaddrAny) netip.AddrPort {
	switch rsa.Addr.Family {
	case syscall.AF_INET:
		sa := (*syscall.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), getPort(&sa.Port))
	case syscall.AF_INET6:
		sa := (*syscall.RawSockaddrInet6)(unsafe.Pointer(rsa))
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
