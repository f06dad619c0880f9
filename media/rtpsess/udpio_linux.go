//go:build linux && (amd64 || arm64 || arm)

package rtpsess

import (
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"unsafe"
)

// rawConn sends and receives datagrams with raw recvfrom(2)/sendto(2)
// inside the socket's RawConn. The net package's calls go through the Go
// scheduler's syscall entry, which wakes the runtime's sysmon thread out of
// its idle sleep on every packet; sysmon then polls every 20 µs for a while.
// With 50 packets a second each way that was most of a call's context
// switches. Waiting for a packet still parks the goroutine in the network
// poller; only the short, non-blocking calls themselves are raw.
//
// Reads and writes may run concurrently (one reader, one writer at a time);
// each side has its own state, bound once so that no call allocates.
type rawConn struct {
	c      *net.UDPConn
	rc     syscall.RawConn
	family uint16 // AF_INET or AF_INET6, from getsockname

	r struct {
		buf   []byte
		n     int
		from  syscall.RawSockaddrAny
		errno syscall.Errno
		fn    func(fd uintptr) bool
	}
	w struct {
		buf   []byte
		sa    syscall.RawSockaddrAny
		salen uintptr
		errno syscall.Errno
		fn    func(fd uintptr) bool
	}
}

// newPacketConn returns the raw packetConn of c, or c itself if its family
// cannot be read.
func newPacketConn(c *net.UDPConn) packetConn {
	rc, err := c.SyscallConn()
	if err != nil {
		return stdConn(c)
	}
	var sa syscall.Sockaddr
	var serr error
	if err := rc.Control(func(fd uintptr) { sa, serr = syscall.Getsockname(int(fd)) }); err != nil || serr != nil {
		return stdConn(c)
	}
	r := &rawConn{c: c, rc: rc}
	switch sa.(type) {
	case *syscall.SockaddrInet4:
		r.family = syscall.AF_INET
	case *syscall.SockaddrInet6:
		r.family = syscall.AF_INET6
	default:
		return stdConn(c)
	}
	r.r.fn, r.w.fn = r.recv, r.send
	return r
}

func (r *rawConn) recv(fd uintptr) bool {
	for {
		fromlen := uint32(unsafe.Sizeof(r.r.from))
		n, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(unsafe.SliceData(r.r.buf))),
			uintptr(len(r.r.buf)), 0, uintptr(unsafe.Pointer(&r.r.from)), uintptr(unsafe.Pointer(&fromlen)))
		if e == syscall.EINTR {
			continue
		}
		r.r.n, r.r.errno = int(n), e
		return e != syscall.EAGAIN
	}
}

// ReadFromUDPAddrPort reads one datagram into b (len(b) > 0).
func (r *rawConn) ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error) {
	r.r.buf = b
	err := r.rc.Read(r.r.fn)
	r.r.buf = nil
	switch {
	case err != nil:
		return 0, netip.AddrPort{}, err
	case r.r.errno != 0:
		return 0, netip.AddrPort{}, &net.OpError{Op: "read", Net: "udp", Err: r.r.errno}
	}
	return r.r.n, sockaddrToAddrPort(&r.r.from), nil
}

func (r *rawConn) send(fd uintptr) bool {
	for {
		_, _, e := syscall.RawSyscall6(syscall.SYS_SENDTO, fd, uintptr(unsafe.Pointer(unsafe.SliceData(r.w.buf))),
			uintptr(len(r.w.buf)), 0, uintptr(unsafe.Pointer(&r.w.sa)), r.w.salen)
		if e == syscall.EINTR {
			continue
		}
		r.w.errno = e
		return e != syscall.EAGAIN
	}
}

// WriteToUDPAddrPort sends b to dst. Destinations the raw path does not
// encode (an IPv6 zone) go through the net package.
func (r *rawConn) WriteToUDPAddrPort(b []byte, dst netip.AddrPort) (int, error) {
	if dst.Addr().Zone() != "" || !r.setDst(dst) {
		return r.c.WriteToUDPAddrPort(b, dst)
	}
	r.w.buf = b
	err := r.rc.Write(r.w.fn)
	r.w.buf = nil
	switch {
	case err != nil:
		return 0, err
	case r.w.errno != 0:
		return 0, &net.OpError{Op: "write", Net: "udp", Err: r.w.errno}
	}
	return len(b), nil
}

// setDst encodes dst for the socket's family; false if it does not fit.
func (r *rawConn) setDst(dst netip.AddrPort) bool {
	port := dst.Port()
	switch r.family {
	case syscall.AF_INET:
		a := dst.Addr().Unmap()
		if !a.Is4() {
			return false
		}
		sa := (*syscall.RawSockaddrInet4)(unsafe.Pointer(&r.w.sa))
		*sa = syscall.RawSockaddrInet4{Family: syscall.AF_INET, Addr: a.As4()}
		putPort(&sa.Port, port)
		r.w.salen = unsafe.Sizeof(*sa)
	default:
		sa := (*syscall.RawSockaddrInet6)(unsafe.Pointer(&r.w.sa))
		*sa = syscall.RawSockaddrInet6{Family: syscall.AF_INET6, Addr: dst.Addr().As16()}
		putPort(&sa.Port, port)
		r.w.salen = unsafe.Sizeof(*sa)
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

// zoneName is the interface name of a link-local scope (rare: allocates).
func zoneName(index int) string {
	if ifi, err := net.InterfaceByIndex(index); err == nil {
		return ifi.Name
	}
	return strconv.Itoa(index)
}
