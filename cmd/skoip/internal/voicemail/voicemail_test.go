package voicemail

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skoip/skoip/media/wav"

	"github.com/skoip/skoip/internal/testsupport/speechq"
)

func open(t *testing.T, dir string, lim Limits) *Store {
	t.Helper()
	s, err := Open(dir, lim)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// clock returns times from t0, one second apart.
func clock(t0 time.Time) func() time.Time {
	var mu sync.Mutex
	n := 0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		n++
		return t0.Add(time.Duration(n-1) * time.Second)
	}
}

// samplesOf decodes a message with the project's WAV decoder, after
// checking that its header is exactly the canonical one for its size.
func samplesOf(t *testing.T, path string) []int16 {
	t.Helper()
	checkWAV(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := wav.Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if a.Rate != Rate || a.Format.Channels != 1 || a.Format.BitsPerSam != 16 {
		t.Fatalf("%s: %+v", path, a.Format)
	}
	return a.Samples
}

// checkWAV checks that path is a message whose header's sizes match the
// file's size.
func checkWAV(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 44 {
		t.Fatalf("%s: %d bytes", path, len(b))
	}
	le := binary.LittleEndian
	if string(b[:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" ||
		le.Uint32(b[4:]) != uint32(len(b)-8) || le.Uint32(b[40:]) != uint32(len(b)-44) ||
		le.Uint16(b[20:]) != 1 || le.Uint16(b[22:]) != 1 || le.Uint32(b[24:]) != Rate || le.Uint16(b[34:]) != 16 {
		t.Fatalf("%s (%d bytes): bad header % x", path, len(b), b[:44])
	}
	if _, err := parseHeader(b, int64(len(b))); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// names returns the names of the files in dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func partials(t *testing.T, dir string) []string {
	var out []string
	for _, n := range names(t, dir) {
		if strings.HasSuffix(n, ".partial") {
			out = append(out, n)
		}
	}
	return out
}

func TestRecordStopsAfterSilence(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Limits{MaxLength: 10 * time.Second, Silence: time.Second})
	t0 := time.Date(2026, 12, 7, 13, 8, 24, 600e6, time.UTC)
	s.now = clock(t0)
	src := &fakeSource{gen: speechAt(Rate, Rate)} // 1 s quiet, 1 s speech, quiet
	m, err := s.Record(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	// Speech ends at 2 s, the VAD's hangover (0.3 s) after it; the
	// recording stops 1 s later and keeps 0.5 s after the hangover.
	if got := time.Duration(src.given()) * time.Second / Rate; got < 3200*time.Millisecond || got > 3500*time.Millisecond {
		t.Errorf("read %v from the source; want the recording to stop about 3.3 s in", got)
	}
	if m.Duration < 2700*time.Millisecond || m.Duration > 2900*time.Millisecond {
		t.Errorf("message of %v, want about 2.8 s (silence after speech cut to 0.5 s)", m.Duration)
	}
	if m.ID != "msg-20261207T130824Z-000" || !m.Time.Equal(t0.Truncate(time.Second)) {
		t.Errorf("message %q at %v", m.ID, m.Time)
	}
	if m.Path != filepath.Join(dir, m.ID+".wav") {
		t.Errorf("path %q", m.Path)
	}
	st, err := os.Stat(m.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != m.Bytes || m.Bytes != 44+2*int64(m.Duration*Rate/time.Second) {
		t.Errorf("%d bytes on disk, message says %d bytes and %v", st.Size(), m.Bytes, m.Duration)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode())
	}
	got := samplesOf(t, m.Path)
	if int64(len(got)) != int64(m.Duration*Rate/time.Second) {
		t.Fatalf("%d samples for %v", len(got), m.Duration)
	}
	// The speech is in the file where the source gave it, and only there.
	best, bestLag := -1.0, 0
	for lag := -20; lag <= 20; lag++ {
		c := speechq.NCC(got[Rate+lag:2*Rate+lag], speech)
		if c > best {
			best, bestLag = c, lag
		}
	}
	if best < 0.9 || bestLag != 0 {
		t.Errorf("best correlation with the speech %.3f at lag %d, want > 0.9 at 0", best, bestLag)
	}
	for i := range got {
		if want := src.gen(int64(i)); got[i] != want {
			t.Fatalf("sample %d is %d, the source gave %d", i, got[i], want)
		}
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0] != m {
		t.Errorf("List = %+v, want [%+v]", list, m)
	}
	if p := partials(t, dir); len(p) != 0 {
		t.Errorf("partial files left: %v", p)
	}
}

func TestRecordMaxLength(t *testing.T) {
	s := open(t, t.TempDir(), Limits{MaxLength: 1500 * time.Millisecond, Silence: time.Second})
	src := &fakeSource{gen: speechAt(Rate/5, -1), chunk: 97} // speech without end, odd reads
	m, err := s.Record(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if m.Duration != 1500*time.Millisecond || src.given() != 12000 {
		t.Errorf("message of %v after %d samples, want 1.5 s of 12000", m.Duration, src.given())
	}
	got := samplesOf(t, m.Path)
	if len(got) != 12000 {
		t.Fatalf("%d samples", len(got))
	}
	for i := range got {
		if want := src.gen(int64(i)); got[i] != want {
			t.Fatalf("sample %d is %d, the source gave %d", i, got[i], want)
		}
	}
}

func TestRecordNoSpeech(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Limits{MaxLength: time.Second, Silence: 200 * time.Millisecond})
	src := &fakeSource{gen: quiet}
	m, err := s.Record(context.Background(), src)
	if !errors.Is(err, ErrNoSpeech) {
		t.Fatalf("Record = %+v, %v; want ErrNoSpeech", m, err)
	}
	if src.given() != Rate {
		t.Errorf("read %d samples, want MaxLength's %d (no speech: silence does not stop it)", src.given(), Rate)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("files left: %v", n)
	}
}

func TestRecordContextEnds(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Limits{MaxLength: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &fakeSource{gen: speechAt(Rate/5, -1)}
	src.onRead = func(pos int64) {
		if pos >= 3*Rate {
			cancel()
		}
	}
	m, err := s.Record(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if m.Duration < 2900*time.Millisecond || m.Duration > 3100*time.Millisecond {
		t.Errorf("message of %v, want about 3 s", m.Duration)
	}

	// Ended before any speech: nothing kept.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := s.Record(ctx, &fakeSource{gen: speechAt(0, -1)}); !errors.Is(err, ErrNoSpeech) {
		t.Errorf("cancelled Record: %v, want ErrNoSpeech", err)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("files: %v", n)
	}
}

func TestRecordSourceFails(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Limits{MaxLength: time.Minute, Silence: 3 * time.Second})
	broken := errors.New("USB microphone unplugged")

	// After speech: the message is kept.
	m, err := s.Record(context.Background(), &fakeSource{gen: speechAt(Rate/2, -1), end: 2 * Rate, err: broken})
	if err != nil {
		t.Fatal(err)
	}
	if m.Duration != 2*time.Second {
		t.Errorf("message of %v, want the 2 s given", m.Duration)
	}
	// Before: nothing kept, and the error says why.
	_, err = s.Record(context.Background(), &fakeSource{gen: quiet, end: Rate, err: broken})
	if !errors.Is(err, ErrNoSpeech) || !errors.Is(err, broken) {
		t.Errorf("Record = %v, want ErrNoSpeech and the source's error", err)
	}
	// A source that gives nothing, forever, is a failed one.
	_, err = s.Record(context.Background(), &fakeSource{gen: quiet, chunk: -1})
	if !errors.Is(err, ErrNoSpeech) || !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("Record = %v, want ErrNoSpeech and io.ErrNoProgress", err)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("files: %v", n)
	}
}

// fixture puts files that are not messages into dir, and returns a check
// that they are all still there, unchanged.
func fixture(t *testing.T, dir string) func() {
	t.Helper()
	files := map[string]string{
		"notes.txt":                     "shopping list",
		"msg-foo.wav":                   "not ours",
		"msg-20000101T000000Z-000.txt":  "not ours either",
		"msg-20000101T000000Z-0000.wav": "a digit too many",
		".rec-123.tmp":                  "not a partial recording",
		"big.bin":                       strings.Repeat("x", 100000),
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A folder named like the oldest message, and one like a partial file.
	for _, d := range []string{"msg-20000101T000000Z-000.wav", ".rec-1.partial"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		for n, c := range files {
			if b, err := os.ReadFile(filepath.Join(dir, n)); err != nil || string(b) != c {
				t.Errorf("%s changed: %v", n, err)
			}
		}
		for _, d := range []string{"msg-20000101T000000Z-000.wav", ".rec-1.partial"} {
			if st, err := os.Stat(filepath.Join(dir, d)); err != nil || !st.IsDir() {
				t.Errorf("folder %s: %v", d, err)
			}
		}
	}
}

// short is a message of 0.4 s: 0.1 s quiet, 0.3 s speech, end.
func short() Source { return &fakeSource{gen: speechAt(Rate/10, -1), end: 4 * Rate / 10} }

const shortBytes = 44 + 2*4*Rate/10

func ids(t *testing.T, s *Store) []string {
	t.Helper()
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range list {
		out = append(out, m.ID)
	}
	return out
}

func TestMaxMessages(t *testing.T) {
	dir := t.TempDir()
	unchanged := fixture(t, dir)
	s := open(t, dir, Limits{MaxMessages: 3, MaxLength: time.Second})
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	times := []time.Time{t0, t0.Add(500 * time.Millisecond), t0.Add(time.Second), t0.Add(2 * time.Second), t0.Add(3 * time.Second)}
	var i int
	s.now = func() time.Time { return times[i] }
	for i = range times {
		src := short()
		if i == 3 {
			// While the fourth records, room was made for it already.
			src.(*fakeSource).onRead = func(int64) {
				if n := len(ids(t, s)); n != 2 {
					t.Errorf("%d messages during the fourth recording, want 2", n)
				}
			}
		}
		if _, err := s.Record(context.Background(), src); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"msg-20260102T030406Z-000", "msg-20260102T030407Z-000", "msg-20260102T030408Z-000"}
	if got := ids(t, s); !slices.Equal(got, want) {
		t.Errorf("messages %v, want %v", got, want)
	}
	unchanged()
}

func TestMessagesOfOneSecond(t *testing.T) {
	s := open(t, t.TempDir(), Limits{MaxLength: time.Second})
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.now = func() time.Time { return t0 }
	for range 3 {
		if _, err := s.Record(context.Background(), short()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete("msg-20260102T030405Z-001"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(context.Background(), short()); err != nil {
		t.Fatal(err)
	}
	// The newest sorts last, even though -001 is free.
	want := []string{"msg-20260102T030405Z-000", "msg-20260102T030405Z-002", "msg-20260102T030405Z-003"}
	if got := ids(t, s); !slices.Equal(got, want) {
		t.Errorf("messages %v, want %v", got, want)
	}
}

func TestMaxBytes(t *testing.T) {
	dir := t.TempDir()
	unchanged := fixture(t, dir)
	// Room for a 1 s message (16044 bytes) leaves 23956 bytes: three
	// messages of 0.4 s (6444 bytes each), not four.
	s := open(t, dir, Limits{MaxBytes: 40000, MaxLength: time.Second})
	s.now = clock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	var all []string
	for i := range 7 {
		m, err := s.Record(context.Background(), short())
		if err != nil {
			t.Fatal(err)
		}
		if m.Bytes != shortBytes {
			t.Fatalf("message of %d bytes", m.Bytes)
		}
		all = append(all, m.ID)
		want := all[max(0, len(all)-4):]
		if got := ids(t, s); !slices.Equal(got, want) {
			t.Fatalf("after message %d: %v, want %v", i, got, want)
		}
	}
	unchanged()

	// After a message, both limits hold again: here a message copied in
	// by someone else during the recording went over them.
	s.lim.MaxMessages = 2
	src := short()
	src.(*fakeSource).onRead = func(pos int64) {
		if pos == 0 {
			b, err := os.ReadFile(filepath.Join(dir, all[len(all)-1]+".wav"))
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, "msg-19990101T000000Z-000.wav"), b, 0o600)
			}
			if err != nil {
				t.Error(err)
			}
		}
	}
	m, err := s.Record(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(t, s), []string{all[len(all)-1], m.ID}; !slices.Equal(got, want) {
		t.Errorf("messages %v, want %v", got, want)
	}
	unchanged()
}

func TestDeleteAndPath(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "vm")
	s := open(t, dir, Limits{MaxLength: time.Second})
	m, err := s.Record(context.Background(), short())
	if err != nil {
		t.Fatal(err)
	}
	outside := []string{filepath.Join(root, "x"), filepath.Join(root, "x.wav"), filepath.Join(root, "secret.wav")}
	for _, p := range outside {
		if err := os.WriteFile(p, []byte("keep"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"notes", "notes.wav"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("keep"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Named like messages, but a link to a file outside and a folder.
	if err := os.Symlink(filepath.Join(root, "secret.wav"), filepath.Join(dir, "msg-20200101T000000Z-000.wav")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "msg-20200101T000000Z-001.wav"), 0o700); err != nil {
		t.Fatal(err)
	}
	bad := []string{
		"../x", "msg-../../etc", "", "/etc/passwd", "notes", "notes.wav", m.ID + ".wav", "./" + m.ID,
		m.ID + "/", "msg-20260230T000000Z-000", "msg-2026-01-01T00:00:00Z-0", "msg-20261207T130824Z-00a",
		"msg-20261207T130824Z-000/../../x", "msg-20261207t130824z-000", "msg-20261207T130824Z+000",
		"msg-20261207T130824Z-000\x00", "msg-20261207T130824Z--01", "..", ".",
	}
	for _, id := range bad {
		if err := s.Delete(id); !errors.Is(err, ErrBadID) {
			t.Errorf("Delete(%q) = %v, want ErrBadID", id, err)
		}
		if p, err := s.Path(id); !errors.Is(err, ErrBadID) {
			t.Errorf("Path(%q) = %q, %v, want ErrBadID", id, p, err)
		}
	}
	for _, id := range []string{"msg-20200101T000000Z-000", "msg-20200101T000000Z-001", "msg-20200101T000000Z-002"} {
		if err := s.Delete(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Delete(%q) = %v, want ErrNotFound", id, err)
		}
		if _, err := s.Path(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Path(%q) = %v, want ErrNotFound", id, err)
		}
	}
	for _, p := range append(outside, filepath.Join(dir, "notes"), filepath.Join(dir, "notes.wav"),
		filepath.Join(dir, "msg-20200101T000000Z-000.wav"), filepath.Join(dir, "msg-20200101T000000Z-001.wav")) {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if got := ids(t, s); !slices.Equal(got, []string{m.ID}) {
		t.Errorf("List: %v, want only %s", got, m.ID)
	}

	if p, err := s.Path(m.ID); err != nil || p != m.Path {
		t.Errorf("Path(%q) = %q, %v", m.ID, p, err)
	}
	if err := s.Delete(m.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(m.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Path(m.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Path of a deleted message: %v, want ErrNotFound", err)
	}
}

func TestListCorrupt(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Limits{MaxLength: time.Second})
	s.now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	good, err := s.Record(context.Background(), short())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good.Path)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := map[string][]byte{
		"msg-20250101T000000Z-000.wav": []byte("garbage"),
		"msg-20250101T000000Z-001.wav": b[:len(b)-2], // cut: sizes do not match
		"msg-20250101T000000Z-002.wav": nil,
		"msg-20250101T000000Z-003.wav": append(b[:20:20], b[:100]...),
	}
	for n, c := range corrupt {
		if err := os.WriteFile(filepath.Join(dir, n), c, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 || list[4].ID != good.ID || list[4].Duration != 400*time.Millisecond {
		t.Fatalf("List = %+v", list)
	}
	for _, m := range list[:4] {
		if m.Duration != 0 || m.Bytes != int64(len(corrupt[m.ID+".wav"])) {
			t.Errorf("corrupt %+v", m)
		}
	}
}

func TestOpen(t *testing.T) {
	root := t.TempDir()

	// A missing folder is created.
	dir := filepath.Join(root, "a", "b")
	open(t, dir, Limits{MaxLength: time.Second})
	if st, err := os.Stat(dir); err != nil || !st.IsDir() || st.Mode().Perm() != 0o750 {
		t.Errorf("folder made: %v, %v", st, err)
	}

	// Partial files of a cut recording are deleted, nothing else.
	unchanged := fixture(t, dir)
	for _, n := range []string{".rec-42.partial", ".rec-.partial", ".rec-9876543.partial"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("RIFF"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	open(t, dir, Limits{MaxLength: time.Second})
	if p := partials(t, dir); !slices.Equal(p, []string{".rec-1.partial"}) { // the folder of fixture
		t.Errorf("partial files left: %v", p)
	}
	unchanged()

	// Not a folder.
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(file, Limits{MaxLength: time.Second}); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("Open(file) = %v", err)
	}
	if _, err := Open(filepath.Join(file, "x"), Limits{MaxLength: time.Second}); err == nil || !strings.Contains(err.Error(), "cannot create") {
		t.Errorf("Open(file/x) = %v", err)
	}

	// Bad limits.
	for _, lim := range []Limits{
		{},
		{MaxLength: -time.Second},
		{MaxLength: 25 * time.Hour},
		{MaxLength: time.Second, Silence: -1},
		{MaxLength: time.Second, MaxMessages: -1},
		{MaxLength: time.Second, MaxBytes: -1},
		{MaxLength: time.Second, MaxBytes: 16043},
	} {
		if _, err := Open(dir, lim); err == nil {
			t.Errorf("Open with %+v: no error", lim)
		}
	}
	if _, err := Open(dir, Limits{MaxLength: time.Second, MaxBytes: 16044}); err != nil {
		t.Errorf("Open with room for exactly one message: %v", err)
	}
}

func TestReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to a folder of mode 0500: nothing to test")
	}
	dir := t.TempDir()
	s := open(t, dir, Limits{MaxLength: time.Second})
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if _, err := Open(dir, Limits{MaxLength: time.Second}); err == nil || !strings.Contains(err.Error(), "cannot write") {
		t.Errorf("Open(read-only folder) = %v", err)
	}
	// A Store whose folder became read-only reports a fault.
	if _, err := s.Record(context.Background(), short()); !errors.Is(err, ErrStorage) {
		t.Errorf("Record in a read-only folder: %v, want ErrStorage", err)
	}
}

func TestBusyAndConcurrent(t *testing.T) {
	s := open(t, t.TempDir(), Limits{MaxLength: time.Minute, MaxMessages: 3})
	s.now = clock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	for range 3 {
		if _, err := s.Record(context.Background(), short()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := newBlockingSource()
	type res struct {
		m   Message
		err error
	}
	done := make(chan res, 1)
	go func() {
		m, err := s.Record(ctx, src)
		done <- res{m, err}
	}()
	<-src.reading
	if _, err := s.Record(ctx, short()); !errors.Is(err, ErrBusy) {
		t.Errorf("second Record: %v, want ErrBusy", err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				list, err := s.List()
				if err != nil {
					t.Error(err)
					return
				}
				for _, m := range list {
					if _, err := s.Path(m.ID); err != nil && !errors.Is(err, ErrNotFound) {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Go(func() {
		list, _ := s.List()
		if len(list) != 2 {
			t.Errorf("%d messages during the recording, want 2 (room made for it)", len(list))
		}
		if err := s.Delete(list[0].ID); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	cancel()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := ids(t, s); len(got) != 2 || got[1] != r.m.ID {
		t.Errorf("messages %v after recording %s", got, r.m.ID)
	}
	if _, err := s.Record(context.Background(), short()); err != nil {
		t.Errorf("Record after the first ended: %v", err)
	}
}
