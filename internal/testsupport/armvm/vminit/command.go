//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
)

// defaultTimeout bounds a command whose spec gives no timeout.
const defaultTimeout = time.Minute

// outRoot holds each command's output directory, on the tmpfs.
const outRoot = "/tmp/armvm-out"

// runCommand runs c with its output on the console between begin and end
// markers, then hands back the files it wrote into its directory under
// outRoot. A command that fails, times out or cannot start is reported in
// its end marker; the error returned is vminit's own (its output
// directory, a file too large).
func runCommand(ctx context.Context, console io.Writer, c wire.Command, outRoot string) error {
	out := filepath.Join(outRoot, c.Name)
	if err := os.MkdirAll(out, 0o777); err != nil {
		return err
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
	cmd.Dir = c.Dir
	if cmd.Dir == "" {
		cmd.Dir = "/"
	}
	base := []string{"PATH=/bin:/sbin", "HOME=/tmp", "TMPDIR=/tmp", wire.OutEnv + "=" + out}
	cmd.Env = append(base, c.Env...)
	lw := &lineWriter{w: console}
	cmd.Stdout, cmd.Stderr = lw, lw
	cmd.WaitDelay = time.Second // a child that keeps the output open

	mark(console, wire.MarkBegin, c.Name)
	err := cmd.Run()
	if lw.mid {
		_, _ = io.WriteString(console, "\n")
	}
	mark(console, wire.MarkEnd, append([]string{c.Name}, endFields(ctx, cmd, err, timeout)...)...)
	return handBack(console, c.Name, out)
}

// endFields is the end marker's "exit=N" and, if the command did not
// exit by itself, "error=WHY".
func endFields(ctx context.Context, cmd *exec.Cmd, err error, timeout time.Duration) []string {
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	f := []string{"exit=" + strconv.Itoa(code)}
	var ee *exec.ExitError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		f = append(f, fmt.Sprintf("error=timeout after %v", timeout))
	case err != nil && !(errors.As(err, &ee) && code >= 0):
		f = append(f, "error="+err.Error())
	}
	return f
}

// lineWriter passes a command's output to the console and remembers
// whether its last line is unfinished, so that the end marker starts a
// line of its own.
type lineWriter struct {
	w   io.Writer
	mid bool
}

func (l *lineWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		l.mid = p[len(p)-1] != '\n'
	}
	return l.w.Write(p)
}

// handBack prints every regular file under dir, in lexical order, as a
// file marker, base64 data lines and an endfile marker.
func handBack(console io.Writer, name, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return sendFile(console, name, rel, path)
	})
}

func sendFile(console io.Writer, name, rel, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, wire.MaxFile+1))
	if err != nil {
		return err
	}
	if len(b) > wire.MaxFile {
		return fmt.Errorf("%s %s %s: more than %d bytes", wire.MarkFile, name, rel, wire.MaxFile)
	}
	sum := sha256.Sum256(b)
	mark(console, wire.MarkFile, name, strconv.Itoa(len(b)), hex.EncodeToString(sum[:]), rel)
	enc := base64.StdEncoding.EncodeToString(b)
	for len(enc) > 0 {
		n := min(len(enc), wire.DataLine)
		mark(console, wire.MarkData, enc[:n])
		enc = enc[n:]
	}
	mark(console, wire.MarkEndFile)
	return nil
}
