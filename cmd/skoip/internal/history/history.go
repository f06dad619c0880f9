package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
)

// Entry is one call.
type Entry struct {
	Start      time.Time       `json:"start"`            // when it began (UTC): dial or incoming
	Direction  string          `json:"direction"`        // "outgoing" or "incoming"
	Peer       string          `json:"peer"`             // the other party's URI
	Target     string          `json:"target,omitempty"` // what was called (e.g. "group:house"), outgoing only
	Button     string          `json:"button,omitempty"` // the call button at the door, when a press made it
	Outcome    string          `json:"outcome"`          // "answered", "missed" (no answer / cancelled), "busy", "declined", "failed"
	Reason     string          `json:"reason,omitempty"`
	Code       int             `json:"code,omitempty"`    // SIP status that decided, if any
	DurationS  float64         `json:"duration_s"`        // connected time, 0 when never connected
	Codec      string          `json:"codec,omitempty"`   //
	Quality    json.RawMessage `json:"quality,omitempty"` // the call's figures as the caller gives them (a JSON object, <= 4 KiB)
	DoorOpened bool            `json:"door_opened,omitempty"`
}

// Bounds of the file and of an entry.
const (
	// MaxEntries is the largest max that Open accepts.
	MaxEntries = 100000
	// maxLine is the longest line taken, the newline not counted.
	maxLine = 8192
	// maxString is the longest string field, in bytes.
	maxString = 256
	// maxQuality is the largest Quality kept, in bytes.
	maxQuality = 4096
)

// History is the call history in a file; see the package documentation.
type History struct {
	mu      sync.Mutex
	path    string
	max     int
	entries []Entry // the newest max, oldest first
	skipped int     // lines the Open skipped

	// What the file holds, as far as this History knows.
	lines   int   // lines (ended by a newline) in the file
	size    int64 // bytes in the file
	rewrite bool  // the next Add compacts: the file is not (known to be) clean
}

// Open reads the history in the file path (see the package documentation)
// and keeps at most max entries (1 to MaxEntries). A missing file is an
// empty history; a path that is not a regular file is an error.
func Open(path string, max int) (*History, error) {
	if max < 1 || max > MaxEntries {
		return nil, fmt.Errorf("history: %d entries: want 1 to %d", max, MaxEntries)
	}
	h := &History{path: path, max: max}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		h.rewrite = true // the first Add creates the file and syncs the folder
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("history: %s: not a regular file (%v)", path, st.Mode().Type())
	}
	size, start := st.Size(), int64(0)
	if b := h.bound(); size > b {
		start = size - b
		if _, err := f.Seek(start, io.SeekStart); err != nil {
			return nil, fmt.Errorf("history: %s: %w", path, err)
		}
	}
	r := &reader{max: max, partial: start > 0}
	if err := r.read(io.LimitReader(f, size-start)); err != nil {
		return nil, fmt.Errorf("history: %s: %w", path, err)
	}
	h.entries, h.skipped, h.lines = r.entries, r.skipped, r.lines
	h.size = start + r.n
	h.rewrite = r.skipped > 0 || start > 0 || h.size != size
	return h, nil
}

// bound is the most bytes the file holds, and the most Open reads.
func (h *History) bound() int64 { return 2 * int64(h.max) * (maxLine + 1) }

// Add appends e (bounded as the package documentation says) to the
// history, drops the oldest entries beyond max and writes the file. An
// error is the file system's: e is in the history in memory all the same.
func (h *History) Add(e Entry) error {
	e = bound(e)
	line, err := encode(e)
	if err != nil { // bound makes every entry encodable
		return fmt.Errorf("history: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, e)
	if n := len(h.entries); n > h.max {
		h.entries = h.entries[n-h.max:]
	}
	if !h.rewrite && h.lines+1 <= 2*h.max && h.size+int64(len(line)) <= h.bound() {
		err = h.append(line)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errChanged) {
			h.rewrite = true
			return fmt.Errorf("history: %w", err)
		}
	}
	if err := h.compact(); err != nil {
		h.rewrite = true
		return fmt.Errorf("history: %w", err)
	}
	h.rewrite = false
	return nil
}

// errChanged: the file is not what this History last wrote.
var errChanged = errors.New("the file changed")

// append writes line at the end of the file and syncs it.
func (h *History) append(line []byte) (err error) {
	f, err := os.OpenFile(h.path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return errChanged
	}
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return &fs.PathError{Op: "write", Path: h.path, Err: errors.New("not a regular file")}
	}
	if st.Size() != h.size {
		return errChanged
	}
	if _, err := f.WriteAt(line, h.size); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	h.lines++
	h.size += int64(len(line))
	return nil
}

// compact replaces the file with the entries in memory: a temporary file
// in the same folder, synced, renamed over the file, and the folder synced.
func (h *History) compact() (err error) {
	var data []byte
	for _, e := range h.entries {
		line, err := encode(e)
		if err != nil {
			return err
		}
		data = append(data, line...)
	}
	dir, base := filepath.Split(h.path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	removeTemps(dir, base)
	if err := statefile.Replace(h.path, data, 0o600); err != nil {
		return err
	}
	h.lines, h.size = len(h.entries), int64(len(data))
	return statefile.SyncDir(dir)
}

// removeTemps removes the temporary files of earlier compactions (cut by a
// power loss) from dir.
func removeTemps(dir, base string) {
	list, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, d := range list {
		if n := d.Name(); d.Type().IsRegular() && strings.HasPrefix(n, "."+base+".") && strings.HasSuffix(n, ".tmp") {
			os.Remove(filepath.Join(dir, n))
		}
	}
}

// List returns the entries, oldest first: a copy.
func (h *History) List() []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := make([]Entry, len(h.entries))
	for i, e := range h.entries {
		if e.Quality != nil {
			e.Quality = bytes.Clone(e.Quality)
		}
		list[i] = e
	}
	return list
}

// Len returns the number of entries.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.entries)
}

// Skipped returns the number of lines that Open skipped: corrupt, too long,
// or a torn last line.
func (h *History) Skipped() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.skipped
}

// encode returns e's line, newline included.
func encode(e Entry) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	if b.Len() > maxLine+1 && e.Quality != nil { // not reached: see bound
		e.Quality = nil
		return encode(e)
	}
	return b.Bytes(), nil
}

// bound returns e within the bounds of an entry. Each string's JSON form
// is then at most 2*256+2 bytes (a '"' or '\\' is written as 2 bytes,
// U+2028 and U+2029 as 6 instead of 3), so a line with all seven strings
// full, a Quality of 4096 bytes and the rest at their longest is under
// 8192 bytes.
func bound(e Entry) Entry {
	e.Start = e.Start.Round(0).UTC()
	if y := e.Start.Year(); y < 0 || y > 9999 {
		e.Start = time.Time{}
	}
	for _, s := range []*string{&e.Direction, &e.Peer, &e.Target, &e.Button, &e.Outcome, &e.Reason, &e.Codec} {
		*s = boundString(*s)
	}
	if math.IsNaN(e.DurationS) || math.IsInf(e.DurationS, 0) || e.DurationS < 0 {
		e.DurationS = 0
	}
	e.Quality = boundQuality(e.Quality)
	return e
}

func boundString(s string) string {
	s = cut(s, maxString)
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return utf8.RuneError
		}
		return r
	}, s)
	return cut(s, maxString)
}

// cut returns s cut to at most n bytes, at the start of a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func boundQuality(q json.RawMessage) json.RawMessage {
	if len(q) == 0 || len(q) > maxQuality {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, q) != nil || b.Len() == 0 || b.Bytes()[0] != '{' {
		return nil
	}
	return b.Bytes()
}

// reader reads the lines of a history file.
type reader struct {
	max     int
	partial bool // the first line is the end of a line: skip it

	entries []Entry
	lines   int   // lines ended by a newline
	skipped int   // lines not taken
	pos     int64 // bytes read
	n       int64 // bytes up to the end of the last line ended by a newline
}

// read reads the lines of r; the error is that of r.
func (r *reader) read(in io.Reader) error {
	br := bufio.NewReaderSize(in, 2*(maxLine+1))
	long := false // in a line longer than the buffer
	for {
		seg, err := br.ReadSlice('\n')
		r.pos += int64(len(seg))
		if errors.Is(err, bufio.ErrBufferFull) {
			long = true
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if len(seg) > 0 && seg[len(seg)-1] == '\n' {
			r.lines++
			r.n = r.pos
			switch {
			case r.partial:
				r.partial = false
				r.skipped++
			case long || len(seg)-1 > maxLine:
				r.skipped++
			default:
				r.take(seg[:len(seg)-1])
			}
			long = false
		} else if long || len(seg) > 0 {
			r.skipped++ // torn last line
		}
		if err != nil {
			return nil
		}
	}
}

// take takes line as an entry if it is one, else counts it skipped.
func (r *reader) take(line []byte) {
	var e Entry
	if t := bytes.TrimLeft(line, " \t\r"); len(t) == 0 || t[0] != '{' || json.Unmarshal(line, &e) != nil {
		r.skipped++
		return
	}
	r.entries = append(r.entries, bound(e))
	if n := len(r.entries); n > r.max {
		// Drop the oldest; the array is copied (and the dropped ones
		// freed) when append next grows it.
		r.entries = r.entries[n-r.max:]
	}
}
