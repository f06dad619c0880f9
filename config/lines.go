package config

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// lineIndex maps key paths ("sip.listen", "buttons[1].pin") to the line of
// the TOML text that sets them. BurntSushi/toml keeps key positions private,
// so the few shapes a config file uses are scanned here: [table],
// [[array.table]], key = value and dotted.key = value.
type lineIndex map[string]int

//
// The shapes are matched by hand rather than with regexp, which would add
// about 160 KB to a binary that is almost all resident while it runs.

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
		default:
			if name, ok := arrayTableName(line); ok {
				name = cleanKey(name)
				prefix = name + "[" + strconv.Itoa(counts[name]) + "]"
				counts[name]++
				setFirst(idx, prefix, n)
			} else if name, ok := tableName(line); ok {
				prefix = cleanKey(name)
				setFirst(idx, prefix, n)
			} else if name, ok := keyName(line); ok {
				key := cleanKey(name)
				if prefix != "" {
					key = prefix + "." + key
				}
				setFirst(idx, key, n)
			}
		}
	}
	return idx
}

// arrayTableName is the name in "[[ name ]]" at the start of line.
func arrayTableName(line string) (string, bool) { return bracketed(line, "[[", "]]") }

// tableName is the name in "[ name ]" at the start of line.
func tableName(line string) (string, bool) { return bracketed(line, "[", "]") }

// keyName is the key before the first "=" of line ("a.b = 1": "a.b").
func keyName(line string) (string, bool) {
	i := strings.IndexByte(line, '=')
	if i < 0 {
		return "", false
	}
	return keyChars(strings.TrimRight(line[:i], tomlSpace))
}

// bracketed is the name between open at the start of line and the first
// close after it, without the spaces around it.
func bracketed(line, open, close string) (string, bool) {
	rest, ok := strings.CutPrefix(line, open)
	if !ok {
		return "", false
	}
	i := strings.Index(rest, close)
	if i < 0 {
		return "", false
	}
	return keyChars(strings.Trim(rest[:i], tomlSpace))
}

// tomlSpace is what may surround a key or a table name.
const tomlSpace = " \t\n\f\r"

// keyChars says whether s is a non-empty run of the characters of bare,
// quoted and dotted keys (quoted keys with other characters are not indexed).
func keyChars(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-\"' ", c) >= 0) {
			return "", false
		}
	}
	return s, true
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

// stripIndexes removes every "[N]" from k.
func stripIndexes(k string) string {
	if strings.IndexByte(k, '[') < 0 {
		return k
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(k, '[')
		if i < 0 {
			break
		}
		j := i + 1
		for j < len(k) && '0' <= k[j] && k[j] <= '9' {
			j++
		}
		if j > i+1 && j < len(k) && k[j] == ']' {
			b.WriteString(k[:i])
			k = k[j+1:]
			continue
		}
		b.WriteString(k[:i+1])
		k = k[i+1:]
	}
	b.WriteString(k)
	return b.String()
}

func sortByLine(keys []string, idx lineIndex) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && idx[keys[j]] < idx[keys[j-1]]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}
