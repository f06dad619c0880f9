package config

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The hand-written matchers of lines.go and typeErr agree with the regular
// expressions they replaced (kept here, in the test only, as the reference).
var (
	refArrayTable = regexp.MustCompile(`^\[\[\s*([A-Za-z0-9_.\-"' ]+?)\s*\]\]`)
	refTable      = regexp.MustCompile(`^\[\s*([A-Za-z0-9_.\-"' ]+?)\s*\]`)
	refKey        = regexp.MustCompile(`^([A-Za-z0-9_\-."' ]+?)\s*=`)
	refIndex      = regexp.MustCompile(`\[\d+\]`)
	refTypeErr    = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)
)

func checkAgainstRegexps(t *testing.T, s string) {
	t.Helper()
	for _, c := range []struct {
		name string
		re   *regexp.Regexp
		f    func(string) (string, bool)
	}{{"array table", refArrayTable, arrayTableName}, {"table", refTable, tableName}, {"key", refKey, keyName}} {
		got, ok := c.f(s)
		m := c.re.FindStringSubmatch(s)
		// The one difference: a name of spaces only ("[ ]", not TOML) is no
		// name here; the expression took one space as the name.
		if m != nil && strings.TrimSpace(m[1]) == "" {
			if ok {
				t.Errorf("%s %q: %q, want no match", c.name, s, got)
			}
			continue
		}
		if (m != nil) != ok || (ok && cleanKey(got) != cleanKey(m[1])) {
			t.Errorf("%s %q: %q %v, the expression %q", c.name, s, got, ok, m)
		}
	}
	if got, want := stripIndexes(s), refIndex.ReplaceAllString(s, ""); got != want {
		t.Errorf("stripIndexes(%q) = %q, want %q", s, got, want)
	}
	line, key, msg, ok := typeErr(s)
	if m := refTypeErr.FindStringSubmatch(s); (m != nil) != ok {
		t.Errorf("typeErr(%q) ok %v, the expression %q", s, ok, m)
	} else if ok {
		n, _ := strconv.Atoi(m[1])
		if line != n || key != m[2] || msg != m[3] {
			t.Errorf("typeErr(%q) = %d %q %q, want %d %q %q", s, line, key, msg, n, m[2], m[3])
		}
	}
}

var lineShapes = []string{
	"[sip]", "[ sip ]", "[\tsip\t]", "[sip] # c", "[a.b]", `["a b".c]`, "[]", "[ ]", "[a", "[a]]", "[[a] ]]",
	"[[buttons]]", "[[ buttons ]]", "[[a]]]", "[[a]x]]", "[[]]", "[[ ]]", "[a=b]",
	"listen = 1", "listen=1", "a.b = 2", `"quoted key" = 3`, "a\t= 1", "= 1", " = 1", "a b = 1", "a$ = 1", "a = b = c",
	"", "#", "x", "buttons[1].pin", "a[12]b[3]", "a[]", "a[x]", "[1]", "a[1", "[[1]]",
	`toml: line 12 (last key "sip.listen"): incompatible types`, `toml: line 1 (last key ""): x`,
	`toml: line x (last key "a"): y`, `toml: line 3 (last key "a): y`, "toml: line 3 (last key \"a\"): y\nz",
	`toml: line 99999999999999999999 (last key "a"): y`,
}

func TestLineShapesMatchReference(t *testing.T) {
	for _, s := range lineShapes {
		checkAgainstRegexps(t, s)
	}
}

func FuzzLineShapes(f *testing.F) {
	for _, s := range lineShapes {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkAgainstRegexps(t, s) })
}
