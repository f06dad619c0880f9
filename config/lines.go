package config

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// lineIndex maps key paths ("sip.listen", "buttons[1].pin") to the line of
// the TOML text that sets them. BurntSushi/toml keeps key positions private,
// so the few shapes a config file uses are scanned here: [table],
// [[array.table]], key = value and dotted.key = value.
type lineIndex map[string]int

var (
	reArrayTable = regexp.MustCompile(`^\[\[\s*([A-Za-z0-9_.\-"' ]+?)\s*\]\]`)
	reTable      = regexp.MustCompile(`^\[\s*([A-Za-z0-9_.\-"' ]+?)\s*\]`)
	reKey        = regexp.MustCompile(`^([A-Za-z0-9_\-."' ]+?)\s*=`)
)

func indexLines(data []byte) lineIndex {
	idx := lineIndex{}
	counts := map[string]int{} // array table -> elements seen
	prefix := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#':
		case reArrayTable.MatchString(line):
			name := cleanKey(reArrayTable.FindStringSubmatch(line)[1])
			prefix = name + "[" + strconv.Itoa(counts[name]) + "]"
			counts[name]++
			setFirst(idx, prefix, n)
		case reTable.MatchString(line):
			prefix = cleanKey(reTable.FindStringSubmatch(line)[1])
			setFirst(idx, prefix, n)
		case reKey.MatchString(line):
			key := cleanKey(reKey.FindStringSubmatch(line)[1])
			if prefix != "" {
				key = prefix + "." + key
			}
			setFirst(idx, key, n)
		}
	}
	return idx
}

func setFirst(idx lineIndex, key string, n int) {
	if _, ok := idx[key]; !ok {
		idx[key] = n
	}
}

func cleanKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// line returns the line of key, or of its closest enclosing table, or 0.
func (idx lineIndex) line(key string) int {
	for k := key; k != ""; {
		if n, ok := idx[k]; ok {
			return n
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

// matching returns the indexed keys that equal key once array indexes are
// removed ("buttons.colour" matches "buttons[2].colour"), sorted by line.
func (idx lineIndex) matching(key string) []string {
	var out []string
	for k := range idx {
		if stripIndexes(k) == key {
			out = append(out, k)
		}
	}
	sortByLine(out, idx)
	return out
}

var reIndex = regexp.MustCompile(`\[\d+\]`)

func stripIndexes(k string) string { return reIndex.ReplaceAllString(k, "") }

func sortByLine(keys []string, idx lineIndex) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && idx[keys[j]] < idx[keys[j-1]]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}
