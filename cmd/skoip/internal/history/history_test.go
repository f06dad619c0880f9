package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

var t0 = time.Date(2026, 12, 7, 13, 8, 24, 0, time.UTC)

// entry returns the entry of sequence number i: i is its Reason.
func entry(i int) Entry {
	return Entry{
		Start:     t0.Add(time.Duration(i) * time.Minute),
		Direction: "outgoing",
		Peer:      "sip:flat@192.168.1.20",
		Target:    "group:house",
		Button:    "1",
		Outcome:   "answered",
		Reason:    strconv.Itoa(i),
		Code:      200,
		DurationS: 12.5,
		Codec:     "PCMA",
		Quality:   json.RawMessage(`{"loss_pct":0.4,"jitter_ms":3}`),
	}
}

// seqs returns the sequence numbers of list.
func seqs(t *testing.T, list []Entry) []int {
	t.Helper()
	s := make([]int, len(list))
	for i, e := range list {
		n, err := strconv.Atoi(e.Reason)
		if err != nil {
			t.Fatalf("entry %d: %+v", i, e)
		}
		s[i] = n
	}
	return s
}

// span returns the sequence numbers from to to, included.
func span(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func open(t *testing.T, path string, max int) *History {
	t.Helper()
	h, err := Open(path, max)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func add(t *testing.T, h *History, e Entry) {
	t.Helper()
	if err := h.Add(e); err != nil {
		t.Fatal(err)
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fileLines returns the lines of the file, newlines cut.
func fileLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Fatalf("%s does not end with a newline: %q", path, data)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// temps returns the temporary files in dir.
func temps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOrderAndBound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "calls.jsonl") // the folder is created
	h := open(t, path, 5)
	if h.Len() != 0 || len(h.List()) != 0 || h.Skipped() != 0 {
		t.Fatalf("new history: %d entries, %d skipped", h.Len(), h.Skipped())
	}
	for i := range 12 {
		add(t, h, entry(i))
		if want := min(i+1, 5); h.Len() != want {
			t.Fatalf("after %d adds: Len %d, want %d", i+1, h.Len(), want)
		}
	}
	list := h.List()
	if got, want := seqs(t, list), span(7, 11); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("List: %v, want %v", got, want)
	}
	if got, want := asJSON(t, list[4]), asJSON(t, entry(11)); got != want {
		t.Errorf("entry\n%s, want\n%s", got, want)
	}
	// List is a copy.
	list[0].Reason = "changed"
	list[0].Quality[0] = 'X'
	if l := h.List(); l[0].Reason != "7" || l[0].Quality[0] != '{' {
		t.Errorf("List shares memory with the history: %+v", l[0])
	}

	h2 := open(t, path, 5)
	if got, want := asJSON(t, h2.List()), asJSON(t, h.List()); got != want {
		t.Errorf("after Open:\n%s\nwant\n%s", got, want)
	}
	if h2.Skipped() != 0 {
		t.Errorf("Skipped %d", h2.Skipped())
	}
	h3 := open(t, path, 3)
	if got := seqs(t, h3.List()); fmt.Sprint(got) != fmt.Sprint(span(9, 11)) {
		t.Errorf("Open with max 3: %v", got)
	}
	// The file holds 6 lines (6 to 11: compacted at the 11th Add, one
	// appended since): 2*3, so the next Add compacts, the one after appends.
	add(t, h3, entry(12))
	if got := seqs(t, open(t, path, 100).List()); fmt.Sprint(got) != fmt.Sprint(span(10, 12)) {
		t.Errorf("the file after an Add with max 3: %v", got)
	}
	add(t, h3, entry(13))
	if got := seqs(t, h3.List()); fmt.Sprint(got) != fmt.Sprint(span(11, 13)) {
		t.Errorf("after an Add with max 3: %v", got)
	}
	if got := seqs(t, open(t, path, 100).List()); fmt.Sprint(got) != fmt.Sprint(span(10, 13)) {
		t.Errorf("the file after two Adds with max 3: %v", got)
	}
}

func TestOpenMax(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	for _, max := range []int{0, -1, MaxEntries + 1} {
		if _, err := Open(path, max); err == nil {
			t.Errorf("Open with max %d: no error", max)
		}
	}
	for _, max := range []int{1, MaxEntries} {
		if _, err := Open(path, max); err != nil {
			t.Errorf("Open with max %d: %v", max, err)
		}
	}
}

// TestCompaction checks the file line by line: it grows by one line an
// Add up to 2*max lines, then the next Add rewrites it with the last max.
func TestCompaction(t *testing.T) {
	const max = 5
	dir := t.TempDir()
	path := filepath.Join(dir, "calls.jsonl")
	h := open(t, path, max)
	compactions := 0
	for n := 1; n <= 10*max; n++ {
		add(t, h, entry(n-1))
		lines := fileLines(t, path)
		want := n
		if n > 2*max {
			want = max + (n-2*max-1)%(max+1)
		}
		if len(lines) != want {
			t.Fatalf("after %d adds: %d lines in the file, want %d", n, len(lines), want)
		}
		if st, err := os.Stat(path); err != nil || st.Size() > 2*max*(maxLine+1) {
			t.Fatalf("after %d adds: %v, %v", n, st.Size(), err)
		}
		if n > 2*max && want == max {
			compactions++
			f := open(t, path, 100)
			if got := seqs(t, f.List()); fmt.Sprint(got) != fmt.Sprint(span(n-max, n-1)) {
				t.Fatalf("after the compaction of add %d: %v", n, got)
			}
		}
		if tmp := temps(t, dir); len(tmp) != 0 {
			t.Fatalf("temporary files left: %v", tmp)
		}
	}
	if compactions != 7 {
		t.Errorf("%d compactions, want 7", compactions)
	}
	if got := seqs(t, open(t, path, max).List()); fmt.Sprint(got) != fmt.Sprint(span(45, 49)) {
		t.Errorf("at the end: %v", got)
	}
}

// TestCompactionRemovesTemps: a temporary file of a compaction cut by a
// power loss is removed by the next one; other files are not touched.
func TestCompactionRemovesTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "calls.jsonl")
	stale := filepath.Join(dir, ".calls.jsonl.123456.tmp")
	other := filepath.Join(dir, ".other.123.tmp")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("{\"start\":"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h := open(t, path, 1)
	add(t, h, entry(0)) // the first Add compacts
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another program's file: %v", err)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// line returns entry i's line, newline included.
func line(t *testing.T, i int) string {
	t.Helper()
	b, err := encode(entry(i))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// padded returns entry i's line, without newline, of exactly n bytes
// (an ignored field "pad" fills it).
func padded(t *testing.T, i, n int) string {
	t.Helper()
	l := strings.TrimSuffix(line(t, i), "}\n") + `,"pad":""}`
	if len(l) > n {
		t.Fatalf("line of %d bytes: too short", n)
	}
	return strings.TrimSuffix(l, `""}`) + `"` + strings.Repeat("x", n-len(l)) + `"}`
}

// TestTolerantRead: the lines Open takes and skips, and that the next Add
// leaves a clean file holding what was taken and the new entry.
func TestTolerantRead(t *testing.T) {
	for _, c := range []struct {
		name    string
		data    func(t *testing.T) string
		want    []int
		skipped int
	}{
		{"clean", func(t *testing.T) string { return line(t, 0) + line(t, 1) }, []int{0, 1}, 0},
		{"empty", func(t *testing.T) string { return "" }, nil, 0},
		{"torn last line", func(t *testing.T) string {
			return line(t, 0) + line(t, 1) + line(t, 2)[:40]
		}, []int{0, 1}, 1},
		{"whole last line without newline", func(t *testing.T) string {
			return line(t, 0) + strings.TrimSuffix(line(t, 1), "\n")
		}, []int{0}, 1},
		{"zeros at the end (power cut on a journal of metadata)", func(t *testing.T) string {
			return line(t, 0) + line(t, 1) + strings.Repeat("\x00", 300)
		}, []int{0, 1}, 1},
		{"garbage last line with newline", func(t *testing.T) string {
			return line(t, 0) + "\x00\x00{\"sta\n"
		}, []int{0}, 1},
		{"corrupt middle lines", func(t *testing.T) string {
			return line(t, 0) + "garbage\n" + line(t, 1) + "null\n" + "[1,2]\n" + "\n" + "  \n" +
				`{"start":5}` + "\n" + `{"start":"2026-12-07T13:08:24Z"} {}` + "\n" +
				line(t, 2)[:30] + line(t, 3) + "\"x\"\n" + line(t, 4)
		}, []int{0, 1, 4}, 9}, // a torn line glued to the next: both lost
		{"line of exactly 8192 bytes", func(t *testing.T) string {
			return line(t, 0) + padded(t, 1, maxLine) + "\n" + line(t, 2)
		}, []int{0, 1, 2}, 0},
		{"line of 8193 bytes", func(t *testing.T) string {
			return line(t, 0) + padded(t, 1, maxLine+1) + "\n" + line(t, 2)
		}, []int{0, 2}, 1},
		{"lines of 10000 and 40000 bytes", func(t *testing.T) string {
			return line(t, 0) + padded(t, 1, 10000) + "\n" + line(t, 2) +
				strings.Repeat("x", 40000) + "\n" + line(t, 3)
		}, []int{0, 2, 3}, 2},
		{"torn long last line", func(t *testing.T) string {
			return line(t, 0) + strings.Repeat("x", 40000)
		}, []int{0}, 1},
		{"more entries than max", func(t *testing.T) string {
			var s string
			for i := range 10 {
				s += line(t, i)
			}
			return s + "junk\n"
		}, span(6, 9), 1},
		{"CRLF and unknown fields", func(t *testing.T) string {
			return strings.TrimSuffix(line(t, 0), "}\n") + `,"new_field":[1]}` + "\r\n" + line(t, 1)
		}, []int{0, 1}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "calls.jsonl")
			writeFile(t, path, c.data(t))
			h := open(t, path, 4)
			if got := seqs(t, h.List()); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("entries %v, want %v", got, c.want)
			}
			if h.Skipped() != c.skipped {
				t.Errorf("Skipped %d, want %d", h.Skipped(), c.skipped)
			}
			before := h.List()
			add(t, h, entry(100))
			want := append(before, entry(100))
			want = want[max(0, len(want)-4):]
			h2 := open(t, path, 4)
			if got := asJSON(t, h2.List()); got != asJSON(t, want) {
				t.Errorf("after Add and Open:\n%s\nwant\n%s", got, asJSON(t, want))
			}
			if h2.Skipped() != 0 {
				t.Errorf("after Add, Open skipped %d lines: the file was not repaired", h2.Skipped())
			}
			for i, l := range fileLines(t, path) {
				if len(l) > maxLine {
					t.Errorf("line %d: %d bytes", i, len(l))
				}
			}
		})
	}
}

// TestReadEnd: of a file larger than 2*max*8193 bytes, Open reads the end
// only (the newest entries); the next Add rewrites it.
func TestReadEnd(t *testing.T) {
	const max = 2
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	var b strings.Builder
	for i := range 1000 {
		b.WriteString(line(t, i))
	}
	if b.Len() <= 2*max*(maxLine+1) {
		t.Fatalf("%d bytes: too few", b.Len())
	}
	writeFile(t, path, b.String())
	h := open(t, path, max)
	if got := seqs(t, h.List()); fmt.Sprint(got) != fmt.Sprint(span(998, 999)) {
		t.Errorf("entries %v", got)
	}
	if h.Skipped() > 1 {
		t.Errorf("Skipped %d", h.Skipped())
	}
	if h.lines > 2*max*(maxLine+1)/len(line(t, 0))+1 {
		t.Errorf("%d lines read: more than the bound", h.lines)
	}
	add(t, h, entry(1000))
	if l := fileLines(t, path); len(l) != max {
		t.Errorf("after Add: %d lines, want %d", len(l), max)
	}
}

// TestNotRegular: a FIFO (which must not block the start) or a folder in
// place of the file is an error.
func TestNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.jsonl")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, folder} {
		done := make(chan error, 1)
		go func() {
			_, err := Open(path, 10)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), path) {
				t.Errorf("Open(%s) = %v, want an error: not a regular file", path, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Open(%s) blocks", path)
		}
	}
	// A FIFO put in place of the file after Open: Add fails, without blocking.
	path := filepath.Join(dir, "calls.jsonl")
	h := open(t, path, 10)
	add(t, h, entry(0))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Add(entry(1)) }()
	select {
	case err := <-done:
		if err == nil {
			// The compaction replaced the FIFO with a file: acceptable too.
			if got := seqs(t, open(t, path, 10).List()); fmt.Sprint(got) != "[0 1]" {
				t.Errorf("after Add: %v", got)
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Add on a FIFO blocks")
	}
	if h.Len() != 2 {
		t.Errorf("Len %d, want 2", h.Len())
	}
}

// TestReadOnlyFolder: Add returns the file system's error and keeps the
// entry in memory; once the folder is writable again, the next Add writes
// the whole history.
func TestReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to a folder of mode 0500: nothing to test")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "calls.jsonl")
	h := open(t, path, 10)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	err := h.Add(entry(0))
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), dir) {
		t.Errorf("Add in a read-only folder = %v, want a permission error naming the folder", err)
	}
	if got := seqs(t, h.List()); fmt.Sprint(got) != "[0]" {
		t.Errorf("in memory: %v", got)
	}
	// Open writes nothing: it works in a read-only folder.
	if h2, err := Open(path, 10); err != nil || h2.Len() != 0 {
		t.Errorf("Open in a read-only folder: %v", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	add(t, h, entry(1))
	if got := seqs(t, open(t, path, 10).List()); fmt.Sprint(got) != "[0 1]" {
		t.Errorf("after the folder is writable again: %v", got)
	}

	// A read-only file in a read-only folder.
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if err := h.Add(entry(2)); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Add to a read-only file = %v", err)
	}
	if h.Len() != 3 {
		t.Errorf("Len %d, want 3", h.Len())
	}
}

// TestChangedFile: a file removed, or written by another program, after
// Open is written whole again by the next Add.
func TestChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	h := open(t, path, 10)
	add(t, h, entry(0))
	add(t, h, entry(1))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	add(t, h, entry(2))
	if got := seqs(t, open(t, path, 10).List()); fmt.Sprint(got) != "[0 1 2]" {
		t.Errorf("after the file was removed: %v", got)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"start":"2026-12-07T13:08:24Z","reas`) // glued to nothing
	f.Close()
	add(t, h, entry(3))
	h2 := open(t, path, 10)
	if got := seqs(t, h2.List()); fmt.Sprint(got) != "[0 1 2 3]" || h2.Skipped() != 0 {
		t.Errorf("after another program wrote to the file: %v, %d skipped", got, h2.Skipped())
	}
}

// TestBounds: the bounds of an entry, and that the longest entry's line
// is at most 8192 bytes and read back as it was written.
func TestBounds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	h := open(t, path, 10)

	e := entry(0)
	e.Peer = strings.Repeat("é", 200) // 400 bytes: cut at a character boundary
	e.Target = "a\x00b\x1bc\x7fd\u0085e\tf\ng"
	e.Button = "\xff\xfe1"
	e.Codec = strings.Repeat("x", 1000)
	e.DurationS = math.NaN()
	e.Start = time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)
	e.Quality = json.RawMessage(`{ "a" : [1, 2],  "b":"<&>" }`)
	add(t, h, e)
	got := h.List()[0]
	if got.Peer != strings.Repeat("é", 128) {
		t.Errorf("Peer %q (%d bytes)", got.Peer, len(got.Peer))
	}
	if want := "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg"; got.Target != want {
		t.Errorf("Target %q, want %q", got.Target, want)
	}
	if got.Button != "\uFFFD1" {
		t.Errorf("Button %q", got.Button)
	}
	if got.Codec != strings.Repeat("x", 256) || got.DurationS != 0 || !got.Start.IsZero() {
		t.Errorf("Codec of %d bytes, DurationS %v, Start %v", len(got.Codec), got.DurationS, got.Start)
	}
	if string(got.Quality) != `{"a":[1,2],"b":"<&>"}` {
		t.Errorf("Quality %s", got.Quality)
	}
	for _, q := range []string{`{"a":"` + strings.Repeat("x", 4096) + `"}`, `[1,2]`, `{"a":`, `null`, `5`} {
		e := entry(1)
		e.Quality = json.RawMessage(q)
		add(t, h, e)
		if l := h.List(); l[len(l)-1].Quality != nil {
			t.Errorf("Quality %.40s kept", q)
		}
	}
	e = entry(2)
	e.Start = time.Date(2026, 12, 7, 14, 0, 0, 123, time.FixedZone("CET", 3600))
	e.DurationS = -3
	add(t, h, e)
	if l := h.List(); l[len(l)-1].Start.Location() != time.UTC || l[len(l)-1].DurationS != 0 {
		t.Errorf("Start %v, DurationS %v", l[len(l)-1].Start, l[len(l)-1].DurationS)
	}

	// The longest line: every string full of what JSON writes longest.
	worst := Entry{
		Start: time.Date(2026, 12, 7, 14, 0, 0, 123456789, time.UTC), Code: math.MinInt64,
		DurationS: -math.MaxFloat64 * -1, DoorOpened: true,
		Quality: json.RawMessage(`{"a":"` + strings.Repeat(`\u0000`, (4096-8)/6) + `"}`),
	}
	for i, s := range []*string{&worst.Direction, &worst.Peer, &worst.Target, &worst.Button, &worst.Outcome, &worst.Reason, &worst.Codec} {
		*s = strings.Repeat([]string{`"`, `\`, "\u2028"}[i%3], 300)
	}
	if len(worst.Quality) > maxQuality {
		t.Fatal(len(worst.Quality))
	}
	add(t, h, worst)
	lines := fileLines(t, path)
	last := lines[len(lines)-1]
	t.Logf("the longest line: %d bytes", len(last))
	if len(last) > maxLine || len(last) < maxLine-1000 {
		t.Errorf("the longest line: %d bytes", len(last))
	}
	if !utf8.ValidString(last) {
		t.Errorf("invalid UTF-8 written")
	}
	h2 := open(t, path, 10)
	if h2.Skipped() != 0 || asJSON(t, h2.List()) != asJSON(t, h.List()) {
		t.Errorf("read back: %d skipped\n%s\nwant\n%s", h2.Skipped(), asJSON(t, h2.List()), asJSON(t, h.List()))
	}
}

func TestConcurrent(t *testing.T) {
	const max = 20
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	h := open(t, path, max)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := h.Add(entry(g*1000 + i)); err != nil {
					t.Error(err)
					return
				}
				if n := len(h.List()); n > max || h.Len() > max {
					t.Errorf("%d entries", n)
				}
				h.Skipped()
			}
		}()
	}
	wg.Wait()
	if h.Len() != max {
		t.Errorf("Len %d", h.Len())
	}
	if got, want := asJSON(t, open(t, path, max).List()), asJSON(t, h.List()); got != want {
		t.Errorf("file:\n%s\nmemory:\n%s", got, want)
	}
	// Each goroutine's entries are in its order.
	last := map[int]int{}
	for _, s := range seqs(t, h.List()) {
		if p, ok := last[s/1000]; ok && s <= p {
			t.Errorf("%d after %d", s, p)
		}
		last[s/1000] = s
	}
}

func TestErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "calls.jsonl")
	if err := os.WriteFile(path, nil, 0o000); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		t.Skip("root reads a file of mode 0000: nothing to test")
	}
	_, err := Open(path, 10)
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), path) {
		t.Errorf("Open(unreadable file) = %v", err)
	}
}
