package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/skoip/skoip/hw"
)

// Handler runs one control command; its result is written as JSON, its
// error as {"error": "..."}.
type Handler func(ctx context.Context, args []string) (any, error)

// Server serves the Unix control socket: one command line in, one line of
// JSON out, per connection, at most maxControlConns at a time.
type Server struct {
	ln       net.Listener
	path     string
	handlers map[string]Handler
	log      *slog.Logger
	clock    hw.Clock // the accept loop's backoff
	slots    chan struct{}
	streams  chan struct{}
	wg       sync.WaitGroup
}

const (
	maxCommandLine = 4096
	commandTimeout = 35 * time.Second
	// maxControlConns bounds the connections served at once: a local
	// flood of connections gets a busy reply instead of goroutines.
	maxControlConns = 16
	// An accept that fails (EMFILE under a low file limit, ENOBUFS) is
	// retried after acceptBackoffMin, doubling up to acceptBackoffMax, as
	// net/http's server does; acceptLogEvery rate-limits its log line.
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = time.Second
	acceptLogEvery   = 10 * time.Second
)

// Listen creates the socket at path (and its folder, 0750; the socket is
// 0660), replacing a stale socket left by a crashed run but never a live
// one. handlers maps a command line's first word to its Handler.
func Listen(path string, handlers map[string]Handler, log *slog.Logger) (*Server, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("%s: another skoip is running", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o660); err != nil {
		ln.Close()
		return nil, err
	}
	return &Server{ln: ln, path: path, handlers: handlers, log: log,
		clock: hw.SystemClock(), slots: make(chan struct{}, maxControlConns),
		streams: make(chan struct{}, maxStreams)}, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// Serve accepts connections until ctx ends, then waits for them and removes
// the socket. A failed accept does not end it: it backs off and retries, so
// that `skoip ctl` comes back once the cause (a file limit) goes away.
func (s *Server) Serve(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() { s.ln.Close() })
	defer stop()
	defer os.Remove(s.path)
	defer s.wg.Wait()
	var fails acceptFailures
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			if !s.backoff(ctx, &fails, err) {
				return
			}
			continue
		}
		fails.recovered(s.log)
		select {
		case s.slots <- struct{}{}:
		default:
			s.busy(conn)
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.slots }()
			s.handle(ctx, conn)
		}()
	}
}

// backoff logs a failed accept (rate-limited) and waits before the next
// one; it returns false when ctx ended meanwhile.
func (s *Server) backoff(ctx context.Context, f *acceptFailures, err error) bool {
	d := f.next(s.clock.Now(), err, s.log)
	t := s.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-ctx.Done():
		return false
	}
}

// busy answers a connection beyond maxControlConns and closes it, in the
// accept loop: the reply is one short line to a local socket.
func (s *Server) busy(conn net.Conn) {
	defer conn.Close()
	s.log.Debug("control socket busy: connection refused", "max", maxControlConns)
	s.reply(conn, nil, fmt.Errorf("busy: %d control connections in progress; try again", maxControlConns))
}

// acceptFailures is the state of a run of failed accepts: the next delay
// and what the log has been told.
type acceptFailures struct {
	delay      time.Duration // 0: the last accept worked
	count      int           // failures since the last log line
	lastLogged time.Time
}

// next counts a failure at now and returns how long to wait before the
// next accept. It logs at most one line per acceptLogEvery, with the
// number of failures since the previous line.
func (f *acceptFailures) next(now time.Time, err error, log *slog.Logger) time.Duration {
	if f.delay == 0 {
		f.delay = acceptBackoffMin
	} else {
		f.delay = min(2*f.delay, acceptBackoffMax)
	}
	f.count++
	if f.lastLogged.IsZero() || now.Sub(f.lastLogged) >= acceptLogEvery {
		log.Warn("control socket: accept failed; retrying", "err", err, "failures", f.count, "retry_in", f.delay)
		f.lastLogged, f.count = now, 0
	}
	return f.delay
}

// recovered ends a run of failures: the next one waits acceptBackoffMin
// again. The log's rate limit stays, so that an accept that fails every
// other time cannot flood the log either.
func (f *acceptFailures) recovered(log *slog.Logger) {
	if f.delay == 0 {
		return
	}
	log.Debug("control socket: accepting again")
	f.delay = 0
}

func (s *Server) handle(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReaderSize(conn, maxCommandLine).ReadSlice('\n')
	if err != nil {
		s.reply(conn, nil, fmt.Errorf("bad command line: %v", err))
		return
	}
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		s.reply(conn, nil, errors.New("empty command"))
		return
	}
	h, ok := s.handlers[fields[0]]
	if !ok {
		s.reply(conn, nil, fmt.Errorf("unknown command %q (see skoip ctl --help)", fields[0]))
		return
	}
	cctx, cancel := context.WithTimeout(withPeer(ctx, conn), commandTimeout)
	defer cancel()
	s.log.Debug("control command", "command", fields[0], "args", fields[1:])
	res, err := h(cctx, fields[1:])
	if st, ok := res.(Streamer); ok && err == nil {
		s.stream(ctx, conn, st)
		return
	}
	s.reply(conn, res, err)
}

func (s *Server) reply(conn net.Conn, res any, err error) {
	if err != nil {
		res = map[string]string{"error": err.Error()}
	} else if res == nil {
		res = map[string]bool{"ok": true}
	}
	b, _ := json.Marshal(res)
	conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	conn.Write(append(b, '\n'))
}
