package voicemail

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Limits bound the messages of a Store.
type Limits struct {
	MaxMessages int           // >0: oldest deleted first when exceeded
	MaxBytes    int64         // >0: total size cap of the folder's messages; oldest deleted first to make room
	MaxLength   time.Duration // longest recording
	Silence     time.Duration // once speech was heard, this much silence ends the recording (0: never early)
}

// maxMaxLength bounds Limits.MaxLength (a WAV file could hold 74 h).
const maxMaxLength = 24 * time.Hour

// Message is one message in the folder.
type Message struct {
	ID       string        // the file name without ".wav"
	Time     time.Time     // when its recording started (UTC, to the second), from the name
	Duration time.Duration // from the WAV header; 0 when the header is not a message's
	Bytes    int64         // size of the file
	Path     string        // the file
}

// Store is the folder of messages.
type Store struct {
	dir      string
	lim      Limits
	maxBytes int64            // of a message of lim.MaxLength
	now      func() time.Time // time.Now; tests set it

	mu        sync.Mutex // held while files of messages are listed, named, renamed or deleted
	recording bool       // under mu
}

// File names.
const (
	msgPrefix  = "msg-"
	msgExt     = ".wav"
	timeLayout = "20060102T150405Z"
	idLen      = len(msgPrefix) + len(timeLayout) + len("-000")
	tempPrefix = ".rec-"
	tempSuffix = ".partial"
	tempGlob   = tempPrefix + "*" + tempSuffix
)

// Open opens the folder dir of messages, creating it if need be, and
// deletes the partial files of recordings that were cut.
func Open(dir string, lim Limits) (*Store, error) {
	if err := lim.check(); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, errors.New("voicemail: no folder given")
	}
	st, err := os.Stat(dir)
	if err != nil { // missing (or a path through a file: MkdirAll says so)
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("voicemail folder %s: cannot create it: %w", dir, err)
		}
		st, err = os.Stat(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("voicemail folder %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("voicemail folder %s: not a folder", dir)
	}
	f, err := os.CreateTemp(dir, tempGlob)
	if err != nil {
		return nil, fmt.Errorf("voicemail folder %s: cannot write to it: %w", dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return nil, fmt.Errorf("voicemail folder %s: cannot delete files in it: %w", dir, err)
	}
	s := &Store{dir: dir, lim: lim, maxBytes: messageBytes(lim.MaxLength), now: time.Now}
	if err := s.removePartials(); err != nil {
		return nil, err
	}
	return s, nil
}

func (l Limits) check() error {
	switch {
	case l.MaxLength <= 0 || l.MaxLength > maxMaxLength:
		return fmt.Errorf("voicemail: the longest message (%v) must be more than 0 and at most %v", l.MaxLength, maxMaxLength)
	case l.Silence < 0:
		return fmt.Errorf("voicemail: the silence that ends a message (%v) must not be negative", l.Silence)
	case l.MaxMessages < 0:
		return fmt.Errorf("voicemail: the most messages (%d) must not be negative", l.MaxMessages)
	case l.MaxBytes < 0:
		return fmt.Errorf("voicemail: the most bytes (%d) must not be negative", l.MaxBytes)
	case l.MaxBytes > 0 && l.MaxBytes < messageBytes(l.MaxLength):
		return fmt.Errorf("voicemail: %d bytes for all messages is less than one message of %v takes (%d bytes)",
			l.MaxBytes, l.MaxLength, messageBytes(l.MaxLength))
	}
	return nil
}

// messageBytes is the size of a message of d.
func messageBytes(d time.Duration) int64 {
	return headerSize + 2*maxSamples(d)
}

// maxSamples is how many samples a message of d holds (rounded up).
func maxSamples(d time.Duration) int64 {
	return (int64(d)*Rate + int64(time.Second) - 1) / int64(time.Second)
}

// removePartials deletes the partial files of recordings that were cut.
func (s *Store) removePartials() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("voicemail folder %s: %w", s.dir, err)
	}
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, tempPrefix) || !strings.HasSuffix(n, tempSuffix) {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("voicemail folder %s: deleting the partial recording %s: %w", s.dir, n, err)
		}
	}
	return nil
}

// Dir returns the folder.
func (s *Store) Dir() string { return s.dir }

// Limits returns the limits the Store was opened with.
func (s *Store) Limits() Limits { return s.lim }

// parseID returns the time in id, when id is the ID of a message:
// "msg-", 8 digits, "T", 6 digits, "Z-", 3 digits, and a valid time.
func parseID(id string) (time.Time, bool) {
	const tsEnd = len(msgPrefix) + len(timeLayout)
	if len(id) != idLen || id[:len(msgPrefix)] != msgPrefix || id[tsEnd] != '-' || !digits(id[tsEnd+1:]) {
		return time.Time{}, false
	}
	ts := id[len(msgPrefix):tsEnd]
	if !digits(ts[:8]) || ts[8] != 'T' || !digits(ts[9:15]) || ts[15] != 'Z' {
		return time.Time{}, false
	}
	t, err := time.Parse(timeLayout, ts)
	if err != nil || t.Format(timeLayout) != ts { // also refuses e.g. a 30 February
		return time.Time{}, false
	}
	return t, true
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) > 0
}

// makeID returns the ID of the message started at t with counter n.
func makeID(t time.Time, n int) string {
	return fmt.Sprintf("%s%s-%03d", msgPrefix, t.UTC().Format(timeLayout), n)
}

// file returns the path of the message id, checked.
func (s *Store) file(id string) (string, error) {
	if _, ok := parseID(id); !ok {
		return "", fmt.Errorf("%w: %q", ErrBadID, id)
	}
	p := filepath.Join(s.dir, id+msgExt)
	st, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("%w: %s", ErrNotFound, id)
	case err != nil:
		return "", fmt.Errorf("voicemail: %s: %w", id, err)
	case !st.Mode().IsRegular():
		return "", fmt.Errorf("%w: %s (not a regular file)", ErrNotFound, id)
	}
	return p, nil
}

// Path returns the file of the message id, to play it.
func (s *Store) Path(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file(id)
}

// Delete deletes the message id.
func (s *Store) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.file(id)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		return fmt.Errorf("voicemail: deleting %s: %w", id, err)
	}
	return nil
}

// List returns the messages, oldest first.
func (s *Store) List() ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(true)
}

// list returns the messages, oldest first; with durations, their headers
// are read. Under s.mu.
func (s *Store) list(durations bool) ([]Message, error) {
	entries, err := os.ReadDir(s.dir) // sorted by name: oldest first
	if err != nil {
		return nil, fmt.Errorf("voicemail folder %s: %w", s.dir, err)
	}
	var msgs []Message
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), msgExt)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		t, ok := parseID(id)
		if !ok {
			continue
		}
		m, err := s.stat(id, t, durations)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted meanwhile, by another hand
		}
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// stat describes the message id, started at t.
func (s *Store) stat(id string, t time.Time, duration bool) (Message, error) {
	m := Message{ID: id, Time: t, Path: filepath.Join(s.dir, id+msgExt)}
	if !duration {
		st, err := os.Lstat(m.Path)
		if err != nil {
			return m, err
		}
		m.Bytes = st.Size()
		return m, nil
	}
	f, err := os.OpenFile(m.Path, os.O_RDONLY|syscall.O_NONBLOCK, 0) // should it have become a FIFO
	if err != nil {
		return m, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return m, err
	}
	m.Bytes = st.Size()
	if st.Mode().IsRegular() {
		m.Duration, _ = readDuration(f, m.Bytes) // a corrupt message lasts 0 s
	}
	return m, nil
}

// trim deletes the oldest messages until room more messages of
// roomBytes bytes together fit under the limits. Under s.mu.
func (s *Store) trim(room int, roomBytes int64) error {
	msgs, err := s.list(false)
	if err != nil {
		return err
	}
	var total int64
	for _, m := range msgs {
		total += m.Bytes
	}
	for len(msgs) > 0 && (s.lim.MaxMessages > 0 && len(msgs)+room > s.lim.MaxMessages ||
		s.lim.MaxBytes > 0 && total+roomBytes > s.lim.MaxBytes) {
		if err := os.Remove(msgs[0].Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("voicemail: deleting the oldest message %s: %w", msgs[0].ID, err)
		}
		total -= msgs[0].Bytes
		msgs = msgs[1:]
	}
	return nil
}

// newID returns the ID for a message started at t: the counter is one
// more than the highest of the messages of that second. Under s.mu.
func (s *Store) newID(t time.Time) (string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return "", err
	}
	prefix := makeID(t, 0)
	prefix = prefix[:len(prefix)-3]
	next := 0
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), msgExt)
		if !ok || !strings.HasPrefix(id, prefix) {
			continue
		}
		if _, ok := parseID(id); ok {
			n, _ := strconv.Atoi(id[len(prefix):])
			next = max(next, n+1)
		}
	}
	if next > 999 {
		return "", fmt.Errorf("already a message %s999", prefix)
	}
	return makeID(t, next), nil
}
