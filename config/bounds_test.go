package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func oneProblem(t *testing.T, what string, err error) Problem {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 1 {
		t.Fatalf("%s: err = %v, want one problem", what, err)
	}
	return ce.Problems[0]
}

// Load reads only regular files of at most MaxFileSize: /dev/zero and
// /dev/urandom once grew it to 3 GB, a FIFO blocked it for ever.
func TestLoadRefusesWhatIsNotAConfigFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte("# a 50 MB value follows\nx = \""), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 50<<20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	for _, c := range []struct{ path, msg string }{
		{fifo, "cannot read: not a regular file (a named pipe)"},
		{"/dev/zero", "cannot read: not a regular file (a device)"},
		{"/dev/urandom", "cannot read: not a regular file (a device)"},
		{dir, "cannot read: not a regular file (a directory)"},
		{filepath.Join(dir, "missing.toml"), "cannot read: no such file or directory"},
		{big, "52428800 bytes, over the limit of 65536 (64 KiB) for a configuration file"},
	} {
		var err error
		if a := allocated(func() { _, err = Load(c.path) }); a > 1<<20 {
			t.Errorf("Load(%s) allocated %d bytes", c.path, a)
		}
		if p := oneProblem(t, c.path, err); p.String() != c.path+": "+c.msg {
			t.Errorf("Load(%s): %q, want %q", c.path, p, c.path+": "+c.msg)
		}
	}
}

// The shapes that blew the TOML decoder up are refused before it sees them,
// with the line, at a cost that does not depend on how far they go.
func TestParseRefusesHostileShapes(t *testing.T) {
	deep := func(open, close string, n int) string {
		return "x = " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n"
	}
	cases := []struct {
		name, toml string
		line       int
		msg        string
	}{
		// 20 KB, one key of 10,000 parts: 8.9 s and 1.9 GB in the decoder.
		{"10,000-part key", "# one key\n" + strings.Repeat("a.", 9999) + "b = 1\n", 2, "line of 20003 bytes, longer than the limit of 4096"},
		{"5-part key", "[sip]\na.b.c.d.e = 1\n", 2, "a key or table name of more than 4 dotted parts"},
		{"5-part key, spaced and quoted", "a . \"b.c\" . 'd' . e . f = 1\n", 1, "more than 4 dotted parts"},
		{"5-part table", "\n\n[a.b.c.d.e]\n", 3, "more than 4 dotted parts"},
		{"5-part array table", "[[a.b.c.d.e]]\n", 1, "more than 4 dotted parts"},
		{"5-part key in an inline table", "x = { y = 1, a.b.c.d.e = 2 }\n", 1, "more than 4 dotted parts"},
		{"deep inline tables", "\n" + deep("{a=", "}", 5), 2, "arrays or inline tables nested more than 4 deep"},
		{"deep arrays", deep("[", "]", 5), 1, "nested more than 4 deep"},
		{"deep across lines", "x = [\n[\n[\n[\n[1]]]]]\n", 5, "nested more than 4 deep"},
		{"600 KB of inline tables", strings.Repeat(deep("{a=", "}", 3), 600<<10/20), 0, "over the limit of 65536 (64 KiB)"},
	}
	for _, c := range cases {
		var err error
		if a := allocated(func() { _, err = Parse("x.toml", []byte(c.toml)) }); a > 1<<20 {
			t.Errorf("%s: %d bytes allocated, want at most 1 MiB", c.name, a)
		}
		p := oneProblem(t, c.name, err)
		if p.File != "x.toml" || p.Line != c.line || !strings.Contains(p.Msg, c.msg) {
			t.Errorf("%s: %q, want x.toml:%d: ...%s", c.name, p, c.line, c.msg)
		}
	}
}

// What a real configuration holds stays within the bounds, however it is
// written: dots, brackets, quotes and '#' inside strings and comments are
// not keys or nesting.
func TestShapeAcceptsRealFiles(t *testing.T) {
	for _, s := range []string{
		string(Example()),
		"sip.account.registrar = \"pbx.example.org\" # a.b.c.d.e.f [[[[[[\n",
		"[sip.account]\nusername = \"a.b.c.d.e.f\"\n",
		"x = \"[[[[[[{{{{{{\"\ny = '\"' # \"\nz = \"\\\"[[[[[[\"\n",
		"s = \"\"\"\na.b.c.d.e.f = [[[[[[\n\\\"\"\"\"\nt = '''\n{{{{{{ '' ''''\n",
		"a = {}\nb = {}\nc = {}\nd = {}\ne = {}\nf = [{}, {}, [[1]]]\n",
		"buttons = [{ name = \"call\", pin = \"GPIO17\" }, { name = \"b\", pin = \"GPIO5\" }]\n",
		"n = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]\nd = 1979-05-27T07:32:00.999\n",
	} {
		if line, msg := checkShape([]byte(s)); line != 0 {
			t.Errorf("line %d: %s, in:\n%s", line, msg, s)
		}
	}
}

// A file full of unknown keys lists the first 20 and costs a scan, not a
// scan per key (64 KiB of them took 15 s and 4 GB).
func TestUnknownKeysAreCapped(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < MaxFileSize-20; i++ {
		fmt.Fprintf(&b, "k%d = 1\n", i)
	}
	var err error
	if a := allocated(func() { _, err = Parse("x.toml", []byte(b.String())) }); a > 64<<20 {
		t.Errorf("%d bytes allocated", a)
	}
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != maxUnknownKeys+1 {
		t.Fatalf("want %d problems, got %v", maxUnknownKeys+1, err)
	}
	if p := ce.Problems[maxUnknownKeys]; p.Line != 21 || !strings.Contains(p.Msg, "more unknown keys follow") {
		t.Errorf("last problem %q", p)
	}
}

func TestProblemsAreCapped(t *testing.T) {
	_, err := Parse("x.toml", []byte(strings.Repeat("[[buttons]]\n", 1000)))
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != maxProblems {
		t.Fatalf("want %d problems, got %v", maxProblems, err)
	}
	if p := ce.Problems[maxProblems-1]; !strings.HasSuffix(p.Msg, "more problems after this line, not listed)") {
		t.Errorf("last problem %q", p)
	}
}

// FuzzShape: checkShape ends on any input, and what it accepts has no line
// over the limit.
func FuzzShape(f *testing.F) {
	f.Add(Example())
	f.Add([]byte("a.b.c.d.e = 1\n"))
	f.Add([]byte("x = [[[[[1]]]]]\n"))
	f.Add([]byte("s = \"\"\"\n[[[[[[\n\"\"\"\nt = '''\n'''"))
	f.Fuzz(func(t *testing.T, data []byte) {
		line, msg := checkShape(data)
		if (line == 0) != (msg == "") {
			t.Fatalf("line %d, msg %q", line, msg)
		}
		if line == 0 {
			for _, l := range strings.Split(string(data), "\n") {
				if len(l) > MaxLineLength {
					t.Fatalf("accepted a line of %d bytes", len(l))
				}
			}
		}
	})
}
