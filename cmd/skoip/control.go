package main

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
)

// handler runs one control command; its result is written as JSON.
type handler func(ctx context.Context, args []string) (any, error)

// controlServer serves the Unix control socket: one command line in, one
// line of JSON out, per connection.
type controlServer struct {
	ln       net.Listener
	path     string
	handlers map[string]handler
	log      *slog.Logger
	wg       sync.WaitGroup
}

const (
	maxCommandLine = 4096
	commandTimeout = 35 * time.Second
)

// listenControl creates the socket at path (and its folder), replacing a
// stale socket left by a crashed run but never a live one.
func listenControl(path string, handlers map[string]handler, log *slog.Logger) (*controlServer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("control socket %s: another skoip is running", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o660); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return &controlServer{ln: ln, path: path, handlers: handlers, log: log}, nil
}

// serve accepts connections until ctx ends, then waits for them.
func (s *controlServer) serve(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() { s.ln.Close() })
	defer stop()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			break
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(ctx, conn)
		}()
	}
	s.wg.Wait()
	os.Remove(s.path)
}

func (s *controlServer) handle(ctx context.Context, conn net.Conn) {
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
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	s.log.Debug("control command", "command", fields[0], "args", fields[1:])
	res, err := h(ctx, fields[1:])
	s.reply(conn, res, err)
}

func (s *controlServer) reply(conn net.Conn, res any, err error) {
	if err != nil {
		res = map[string]string{"error": err.Error()}
	} else if res == nil {
		res = map[string]bool{"ok": true}
	}
	b, _ := json.Marshal(res)
	conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	conn.Write(append(b, '\n'))
}
