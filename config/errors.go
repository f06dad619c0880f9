package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every error that Load and Parse return for a
// configuration that cannot be used.
var ErrInvalid = errors.New("invalid configuration")

// Problem is one thing wrong with a configuration file.
type Problem struct {
	File string // file name, or EmbeddedName
	Line int    // 1-based; 0 when unknown
	Key  string // "sip.listen", "buttons[0].pin"; "" for the file as a whole
	Msg  string // what is wrong, and what to write instead
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Key != "" {
		b.WriteString(": " + p.Key)
	}
	b.WriteString(": " + p.Msg)
	return b.String()
}

// Error holds every problem found in a file.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *Error) Unwrap() error { return ErrInvalid }
