package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Streamer is a Handler's result that streams: instead of one reply line,
// the server hands the connection to Stream, which writes lines until it
// returns or its ctx ends. Its ctx ends when the client closes the
// connection or the server stops; the command's 35 s do not apply.
type Streamer interface {
	Stream(ctx context.Context, w io.Writer) error
}

const (
	// maxStreams bounds the streaming connections at once, so that
	// commands always have slots left (of maxControlConns).
	maxStreams = 8
	// streamSendBuffer is the kernel's send buffer of a streaming
	// connection: what a client that stops reading leaves queued in the
	// kernel before the stream's own queue takes the rest (and drops).
	streamSendBuffer = 32 << 10
)

// stream runs st on conn until it returns, the client goes away or ctx
// ends.
func (s *Server) stream(ctx context.Context, conn net.Conn, st Streamer) {
	select {
	case s.streams <- struct{}{}:
		defer func() { <-s.streams }()
	default:
		s.reply(conn, nil, fmt.Errorf("busy: %d streams in progress", maxStreams))
		return
	}
	if uc, ok := conn.(*net.UnixConn); ok {
		_ = uc.SetWriteBuffer(streamSendBuffer) // a hint; the default is larger, not wrong
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The client says nothing more: a read ends when it closes (or the
	// server closes conn when ctx ends).
	conn.SetReadDeadline(time.Time{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		io.Copy(io.Discard, io.LimitReader(conn, maxCommandLine))
		cancel()
	}()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := st.Stream(ctx, conn); err != nil && ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
		s.log.Debug("control stream ended", "err", err)
	}
	conn.Close()
	<-readDone
}

// Stream sends the command line to the socket sock and copies each line of
// the reply to w until the server closes the connection or ctx ends
// (which is not an error). A first line {"error": ...} is returned as an
// error too, after it was copied.
func Stream(ctx context.Context, sock, line string, w io.Writer) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		return fmt.Errorf("cannot reach skoip at %s (is `skoip run` running?): %w", sock, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	if _, err := fmt.Fprintf(conn, "%s\n", line); err != nil {
		return fmt.Errorf("ctl: %w", err)
	}
	sc := bufio.NewScanner(conn)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for first := true; sc.Scan(); first = false {
		if _, err := fmt.Fprintf(w, "%s\n", sc.Bytes()); err != nil {
			return err
		}
		if first && strings.HasPrefix(sc.Text(), `{"error":`) {
			return errors.New(sc.Text())
		}
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("ctl: %w", err)
	}
	return nil
}
