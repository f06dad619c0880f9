package armvm

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
)

// parseConsole reads the markers on the console (package wire) into the
// results of the commands, by name. The error lists what went wrong in
// the VM: vminit's error lines, a file whose data does not match its
// size and SHA-256 (a kernel message in the middle of it), no done marker
// (vminit or the kernel died).
func parseConsole(console string) (map[string]CommandResult, error) {
	p := consoleParser{cmds: map[string]CommandResult{}}
	for line := range strings.Lines(console) {
		p.line(strings.TrimRight(line, "\r\n"))
	}
	p.unfinishedFile()
	if !p.done {
		p.errs = append(p.errs, errors.New("no done marker: vminit did not finish"))
	}
	return p.cmds, errors.Join(p.errs...)
}

type consoleParser struct {
	cmds map[string]CommandResult
	errs []error
	done bool
	cmd  string          // the command running, between begin and end
	out  strings.Builder // its output so far
	file *fileTransfer   // between file and endfile
}

type fileTransfer struct {
	cmd, rel, sum string
	size          int
	b64           strings.Builder
}

func (p *consoleParser) line(line string) {
	if p.cmd != "" {
		if rest, ok := strings.CutPrefix(line, wire.Prefix+wire.MarkEnd+" "+p.cmd+" "); ok {
			p.end(rest)
			return
		}
		p.out.WriteString(line + "\n")
		return
	}
	rest, ok := strings.CutPrefix(line, wire.Prefix)
	if !ok {
		return // a kernel message
	}
	keyword, rest, _ := strings.Cut(rest, " ")
	switch keyword {
	case wire.MarkBegin:
		p.cmd = rest
		p.out.Reset()
	case wire.MarkFile:
		p.beginFile(rest)
	case wire.MarkData:
		if p.file != nil {
			p.file.b64.WriteString(rest)
		}
	case wire.MarkEndFile:
		p.endFile()
	case wire.MarkError:
		p.errs = append(p.errs, errors.New(rest))
	case wire.MarkDone:
		p.done = true
	}
}

// end reads "exit=N" and "error=WHY" of an end marker.
func (p *consoleParser) end(fields string) {
	r := CommandResult{Exit: -1, Output: p.out.String(), Files: map[string][]byte{}}
	exit, why, _ := strings.Cut(fields, " ")
	n, err := strconv.Atoi(strings.TrimPrefix(exit, "exit="))
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("end marker of %s: %q", p.cmd, fields))
	}
	r.Exit = n
	if n < 0 || err != nil {
		r.Exit = -1
	}
	r.Error = strings.TrimPrefix(why, "error=")
	p.cmds[p.cmd] = r
	p.cmd = ""
}

// beginFile reads "NAME SIZE SHA256 PATH".
func (p *consoleParser) beginFile(fields string) {
	p.unfinishedFile()
	f := strings.SplitN(fields, " ", 4)
	size := -1
	if len(f) == 4 {
		size, _ = strconv.Atoi(f[1])
	}
	if size < 0 {
		p.errs = append(p.errs, fmt.Errorf("file marker %q", fields))
		return
	}
	p.file = &fileTransfer{cmd: f[0], size: size, sum: f[2], rel: f[3]}
}

// unfinishedFile reports a file without its endfile marker.
func (p *consoleParser) unfinishedFile() {
	if p.file != nil {
		p.errs = append(p.errs, fmt.Errorf("file %s of %s: no endfile marker", p.file.rel, p.file.cmd))
		p.file = nil
	}
}

func (p *consoleParser) endFile() {
	f := p.file
	p.file = nil
	if f == nil {
		return
	}
	b, err := base64.StdEncoding.DecodeString(f.b64.String())
	sum := sha256.Sum256(b)
	if err != nil || len(b) != f.size || hex.EncodeToString(sum[:]) != f.sum {
		p.errs = append(p.errs, fmt.Errorf("file %s of %s: %d bytes do not match the file marker (%d bytes, SHA-256 %s); base64: %v",
			f.rel, f.cmd, len(b), f.size, f.sum, err))
		return
	}
	r, ok := p.cmds[f.cmd]
	if !ok {
		p.errs = append(p.errs, fmt.Errorf("file %s of %s: no such command ended", f.rel, f.cmd))
		return
	}
	r.Files[f.rel] = b
}
