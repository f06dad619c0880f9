package control

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

type peerKey struct{}

// withPeer notes in ctx who is at the other end of conn (see Peer).
func withPeer(ctx context.Context, conn net.Conn) context.Context {
	return context.WithValue(ctx, peerKey{}, describePeer(conn))
}

// Peer says who sent the command being handled, for the log: "ctl uid=1000
// pid=4242 (skoip)" from the socket's peer credentials, "ctl" when the
// kernel does not tell.
func Peer(ctx context.Context) string {
	if p, ok := ctx.Value(peerKey{}).(string); ok {
		return p
	}
	return "ctl"
}

func describePeer(conn net.Conn) string {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return "ctl"
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return "ctl"
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil || cerr != nil {
		return "ctl"
	}
	s := fmt.Sprintf("ctl uid=%d pid=%d", cred.Uid, cred.Pid)
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cred.Pid)); err == nil && len(comm) <= 64 {
		s += " (" + strings.TrimSpace(string(comm)) + ")"
	}
	return s
}
