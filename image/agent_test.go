package sdimage

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// agent talks to testdata/skoip-test-agent.sh in the guest over the virtio
// serial port that QEMU connects to our Unix socket.
type agent struct {
	conn net.Conn
	r    *bufio.Reader
}

// acceptAgent waits for QEMU to connect the port's chardev to ln.
func acceptAgent(ctx context.Context, ln *net.UnixListener) (*agent, error) {
	if d, ok := ctx.Deadline(); ok {
		if err := ln.SetDeadline(d); err != nil {
			return nil, err
		}
	}
	conn, err := ln.Accept()
	if err != nil {
		return nil, fmt.Errorf("qemu did not connect the agent port: %w", err)
	}
	return &agent{conn: conn, r: bufio.NewReader(conn)}, nil
}

// Close closes the connection.
func (a *agent) Close() error { return a.conn.Close() }

// sh runs script (any shell text) in the guest as root and returns its
// output (stdout and stderr) and exit status. The script travels as one
// base64 line.
func (a *agent) sh(ctx context.Context, script string) (string, int, error) {
	deadline := time.Now().Add(10 * time.Minute)
	if d, ok := ctx.Deadline(); ok {
		deadline = d
	}
	if err := a.conn.SetDeadline(deadline); err != nil {
		return "", 0, err
	}
	line := "printf %s " + base64.StdEncoding.EncodeToString([]byte(script)) + " | base64 -d | sh\n"
	if _, err := a.conn.Write([]byte(line)); err != nil {
		return "", 0, fmt.Errorf("agent: write: %w", err)
	}
	var out strings.Builder
	for {
		l, err := a.r.ReadString('\n')
		if err != nil {
			return out.String(), 0, fmt.Errorf("agent: read: %w (so far: %q)", err, out.String())
		}
		if rest, ok := strings.CutPrefix(l, "@@END "); ok {
			code, err := strconv.Atoi(strings.TrimSpace(rest))
			return strings.TrimSuffix(out.String(), "\n"), code, err
		}
		out.WriteString(l)
	}
}
