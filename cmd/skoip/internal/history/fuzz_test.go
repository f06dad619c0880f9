package history

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzOpen: Open of any file does not fail or panic, keeps at most max
// entries, each within the bounds; what the next Add writes reads back as
// the entries read and the new one.
func FuzzOpen(f *testing.F) {
	good := func(i int) string {
		b, err := encode(entry(i))
		if err != nil {
			f.Fatal(err)
		}
		return string(b)
	}
	for _, s := range []string{
		"",
		good(0) + good(1) + good(2),
		good(0) + good(1)[:50],
		good(0) + "garbage\n" + good(1),
		good(0) + "null\n[]\n\"x\"\n5\n\n" + good(1),
		good(0) + strings.Repeat("y", maxLine+10) + "\n" + good(1),
		good(0) + strings.Repeat("\x00", 100),
		`{"start":"2026-12-07T13:08:24+02:00","direction":"incoming","peer":"\u0000\ud800","quality":{"a":1}}` + "\n",
		`{"start":"x"}` + "\n" + `{"duration_s":-1e400}` + "\n" + `{"quality":[1]}` + "\n" + `{"quality":null}` + "\n",
		`{"peer":"` + strings.Repeat(`\"`, 4000) + `"}` + "\n",
		"\r\n\r\n{}\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Add([]byte(good(0)+good(1)), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, m uint8) {
		n := int(m%8) + 1
		path := filepath.Join(t.TempDir(), "calls.jsonl")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		h, err := Open(path, n)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		before := h.List()
		if h.Len() > n || len(before) != h.Len() || h.Skipped() < 0 || h.Skipped() > strings.Count(string(data), "\n")+1 {
			t.Fatalf("Len %d, %d listed, max %d, %d skipped", h.Len(), len(before), n, h.Skipped())
		}
		for _, e := range before {
			if b, err := encode(e); err != nil || len(b) > maxLine+1 {
				t.Fatalf("entry %+v: %d bytes, %v", e, len(b), err)
			}
			if e.Quality != nil && (len(e.Quality) > maxQuality || !json.Valid(e.Quality) || e.Quality[0] != '{') {
				t.Fatalf("Quality %q", e.Quality)
			}
		}
		// What the next Add writes (a compaction: Open skipped lines or
		// the file is new; else an append) reads back as it was written.
		// (The Add itself syncs: too slow to fuzz; TestTolerantRead runs
		// it on such files.)
		var file []byte
		if h.rewrite {
			for _, e := range before {
				b, _ := encode(e)
				file = append(file, b...)
			}
		} else {
			if int64(len(data)) != h.size || h.Skipped() != 0 {
				t.Fatalf("appending to %d bytes of a file of %d, %d skipped", h.size, len(data), h.Skipped())
			}
			file = append(file, data...)
		}
		b, _ := encode(entry(100))
		file = append(file, b...)
		r := &reader{max: n}
		if err := r.read(bytes.NewReader(file)); err != nil {
			t.Fatal(err)
		}
		want := append(before, bound(entry(100)))
		want = want[max(0, len(want)-n):]
		if r.skipped != 0 || asJSON(t, r.entries) != asJSON(t, want) {
			t.Fatalf("after Add: %d skipped\n%s\nwant\n%s", r.skipped, asJSON(t, r.entries), asJSON(t, want))
		}
	})
}
