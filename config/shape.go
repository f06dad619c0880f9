package config

import (
	"bytes"
	"fmt"
)

// shape scans TOML text for what the bounds of bounds.go limit: line
// length, dotted key parts and nesting. It follows TOML's lexical rules
// (strings of four kinds, comments, table headers, keys before '=', arrays
// and inline tables in values) only as far as needed to tell a key's dots
// from a string's or a number's; the TOML decoder reports the syntax
// errors. It runs in one pass, in constant memory.
type shape struct {
	data  []byte
	i     int
	line  int
	stack []byte // open '[' and '{' of the current value
	inKey bool   // in a key or a table header, before '=' or ']'
	parts int    // parts of the current key so far
}

// checkShape returns the first line that breaks a bound and what is wrong
// there, or 0 and "".
func checkShape(data []byte) (int, string) {
	if line, msg := checkLines(data); line > 0 {
		return line, msg
	}
	s := &shape{data: data, line: 1, stack: make([]byte, 0, MaxNesting+1)}
	s.startKey()
	for s.i < len(s.data) {
		if msg := s.step(); msg != "" {
			return s.line, msg
		}
	}
	return 0, ""
}

func checkLines(data []byte) (int, string) {
	for n := 1; len(data) > 0; n++ {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		if end > MaxLineLength {
			return n, fmt.Sprintf("line of %d bytes, longer than the limit of %d", end, MaxLineLength)
		}
		data = data[min(end+1, len(data)):]
	}
	return 0, ""
}

func (s *shape) startKey() { s.inKey, s.parts = true, 1 }

// step consumes one token (a character, a string or a comment).
func (s *shape) step() string {
	c := s.data[s.i]
	switch {
	case c == '#':
		s.skipTo('\n')
		return ""
	case c == '"' || c == '\'':
		return s.skipString(c)
	case c == '\n':
		s.line++
		if len(s.stack) == 0 {
			s.startKey()
		}
	case s.inKey:
		return s.keyChar(c)
	default:
		return s.valueChar(c)
	}
	s.i++
	return ""
}

// keyChar handles c in a key or a table header.
func (s *shape) keyChar(c byte) string {
	switch c {
	case '.':
		if s.parts++; s.parts > MaxKeyParts {
			return fmt.Sprintf("a key or table name of more than %d dotted parts (SKOIP's keys have at most 3)", MaxKeyParts)
		}
	case '=', ']':
		s.inKey = false
	case '}': // an empty inline table: {}
		s.inKey = false
		if len(s.stack) > 0 {
			s.stack = s.stack[:len(s.stack)-1]
		}
	}
	s.i++
	return ""
}

// valueChar handles c in a value: brackets nest, and in an inline table a
// ',' starts the next key.
func (s *shape) valueChar(c byte) string {
	s.i++
	switch c {
	case '[', '{':
		if len(s.stack) == MaxNesting {
			return fmt.Sprintf("arrays or inline tables nested more than %d deep", MaxNesting)
		}
		s.stack = append(s.stack, c)
		if c == '{' {
			s.startKey()
		}
	case ']', '}':
		if len(s.stack) > 0 {
			s.stack = s.stack[:len(s.stack)-1]
		}
	case ',':
		if len(s.stack) > 0 && s.stack[len(s.stack)-1] == '{' {
			s.startKey()
		}
	}
	return ""
}

// skipString moves past the string that starts at s.i with quote q: a
// basic or literal string, or the multi-line form of either (three quotes
// open and close it), counting the lines it spans.
func (s *shape) skipString(q byte) string {
	multi := bytes.HasPrefix(s.data[s.i:], []byte{q, q, q})
	if multi {
		s.i += 3
	} else {
		s.i++
	}
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '\\' && q == '"':
			s.i++ // the escaped character cannot end the string
			if s.i < len(s.data) && s.data[s.i] == '\n' {
				s.line++ // a line-ending backslash
			}
		case c == '\n' && !multi:
			return "" // unterminated: the decoder says so
		case c == '\n':
			s.line++
		case c == q && !multi:
			s.i++
			return ""
		case c == q && bytes.HasPrefix(s.data[s.i:], []byte{q, q, q}):
			s.i += 3
			for s.i < len(s.data) && s.data[s.i] == q { // """" ends with a quote inside
				s.i++
			}
			return ""
		}
		s.i++
	}
	return ""
}

func (s *shape) skipTo(c byte) {
	if j := bytes.IndexByte(s.data[s.i:], c); j >= 0 {
		s.i += j
		return
	}
	s.i = len(s.data)
}
