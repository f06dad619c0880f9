package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Request sends one command line to the socket sock and returns the
// one-line reply (JSON). It gives up when ctx ends.
func Request(ctx context.Context, sock, line string) (string, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		return "", fmt.Errorf("cannot reach skoip at %s (is `skoip run` running?): %w", sock, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	// A server that refuses the connection (busy) may answer and close
	// before the line is written: its reply is still there to read.
	_, werr := fmt.Fprintf(conn, "%s\n", line)
	r := bufio.NewReader(conn)
	reply, err := r.ReadString('\n')
	if err != nil && werr != nil {
		return "", fmt.Errorf("ctl: %w", werr)
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("ctl: no answer: %w", ctx.Err())
		}
		return "", fmt.Errorf("ctl: %w", err)
	}
	if reply = strings.TrimSpace(reply); reply == "" {
		return "", errors.New("ctl: empty reply")
	}
	return reply, nil
}
