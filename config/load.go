package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// EmbeddedName names the built-in defaults in messages and Config.Source.
const EmbeddedName = "(embedded defaults)"

//go:embed skoip.toml
var embedded []byte

// Example returns the documented default configuration file, the reference
// that users copy and edit.
func Example() []byte { return append([]byte(nil), embedded...) }

// SearchPath is where `skoip run` looks for a configuration when it is given
// none, in order; the embedded defaults apply when no file exists.
func SearchPath() []string {
	return []string{"/boot/firmware/skoip.toml", "/etc/skoip/skoip.toml"}
}

// Find returns the first existing file of paths, or "" when there is none.
func Find(paths []string) (string, error) {
	for _, p := range paths {
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("config: %w", err)
		}
	}
	return "", nil
}

// Default returns the embedded defaults.
func Default() *Config {
	cfg, err := Parse(EmbeddedName, nil)
	if err != nil {
		panic("config: embedded defaults are invalid: " + err.Error())
	}
	return cfg
}

// Load reads path over the embedded defaults and validates the result;
// path "" loads the defaults alone.
func Load(path string) (*Config, error) {
	if path == "" {
		return Parse(EmbeddedName, nil)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Problems: []Problem{{File: path, Msg: fmt.Sprintf("cannot read: %v", errors.Unwrap(err))}}}
	}
	return Parse(path, data)
}

// Parse decodes data (the contents of the file called name) over the
// embedded defaults and validates the result. A file need only hold the
// keys it changes; a [[buttons]] or [[leds]] list replaces the default one.
func Parse(name string, data []byte) (*Config, error) {
	var cfg Config
	if _, err := toml.Decode(string(embedded), &cfg); err != nil {
		return nil, fmt.Errorf("config: embedded defaults: %w", err)
	}
	cfg.Source = EmbeddedName
	lines := indexLines(embedded)
	var probs []Problem
	if data != nil {
		var fatal bool
		lines, probs, fatal = decodeOver(&cfg, name, data)
		if fatal {
			return nil, &Error{Problems: probs}
		}
		cfg.Source = name
	}
	applyElementDefaults(&cfg)
	resolvePaths(&cfg, name)
	probs = append(probs, validate(&cfg, name, lines)...)
	if len(probs) > 0 {
		sortProblems(probs)
		return nil, &Error{Problems: probs}
	}
	return &cfg, nil
}

// decodeOver decodes data into cfg and reports unknown keys; fatal is true
// when the file could not be decoded at all (syntax or type error).
func decodeOver(cfg *Config, name string, data []byte) (lines lineIndex, probs []Problem, fatal bool) {
	var top map[string]any
	if _, err := toml.Decode(string(data), &top); err != nil {
		return nil, []Problem{decodeProblem(name, err)}, true
	}
	if _, ok := top["buttons"]; ok {
		cfg.Buttons = nil
	}
	if _, ok := top["leds"]; ok {
		cfg.LEDs = nil
	}
	md, err := toml.Decode(string(data), cfg)
	if err != nil {
		return nil, []Problem{decodeProblem(name, err)}, true
	}
	lines = indexLines(data)
	for _, k := range md.Undecoded() {
		key := k.String()
		if isUndecodedParent(key, md.Undecoded()) {
			continue
		}
		where := lines.matching(key)
		if len(where) == 0 {
			where = []string{key}
		}
		for _, w := range where {
			probs = append(probs, Problem{File: name, Line: lines.line(w), Key: w,
				Msg: "unknown key (misspelt, or not in this version; see `skoip check-config --example`)"})
		}
	}
	return lines, probs, false
}

func sortProblems(p []Problem) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Line < p[j].Line })
}

// isUndecodedParent reports whether key is an unknown table with keys of its
// own: those keys are reported, each on its line, instead of the table.
func isUndecodedParent(key string, all []toml.Key) bool {
	for _, k := range all {
		s := k.String()
		if len(s) > len(key) && s[:len(key)+1] == key+"." {
			return true
		}
	}
	return false
}

func decodeProblem(name string, err error) Problem {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return Problem{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}
	}
	// Type mismatches come as "toml: line N (last key "k"): message".
	if line, key, msg, ok := typeErr(err.Error()); ok {
		return Problem{File: name, Line: line, Key: key, Msg: msg}
	}
	return Problem{File: name, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}

// typeErr takes apart `toml: line N (last key "k"): message` (one line).
func typeErr(s string) (line int, key, msg string, ok bool) {
	rest, ok := strings.CutPrefix(s, "toml: line ")
	if !ok {
		return 0, "", "", false
	}
	n := 0
	for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
		n++
	}
	if n == 0 {
		return 0, "", "", false
	}
	line, _ = strconv.Atoi(rest[:n])
	if rest, ok = strings.CutPrefix(rest[n:], ` (last key "`); !ok {
		return 0, "", "", false
	}
	q := strings.IndexByte(rest, '"')
	if q < 0 {
		return 0, "", "", false
	}
	key = rest[:q]
	if msg, ok = strings.CutPrefix(rest[q+1:], "): "); !ok || strings.IndexByte(msg, '\n') >= 0 {
		return 0, "", "", false
	}
	return line, key, msg, true
}

func applyElementDefaults(cfg *Config) {
	for i := range cfg.Buttons {
		b := &cfg.Buttons[i]
		if b.Action == "" {
			b.Action = ActionCall
		}
		if b.Debounce.raw == "" {
			b.Debounce.Duration = defaultDebounce
		}
		if b.LongPress.raw == "" {
			b.LongPress.Duration = defaultLongPress
		}
	}
}

// resolvePaths makes relative WAV paths relative to the config file's folder.
func resolvePaths(cfg *Config, name string) {
	if name == EmbeddedName {
		return
	}
	dir := filepath.Dir(name)
	for _, p := range soundPaths(cfg) {
		if *p.path != "" && !filepath.IsAbs(*p.path) {
			*p.path = filepath.Join(dir, *p.path)
		}
	}
	if cfg.Audio.Backend == BackendFile {
		for _, p := range []*string{&cfg.Audio.Capture, &cfg.Audio.Playback} {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(dir, *p)
			}
		}
	}
}

type soundPath struct {
	key  string
	path *string
}

func soundPaths(cfg *Config) []soundPath {
	s := &cfg.Sounds
	return []soundPath{
		{"sounds.doorbell", &s.Doorbell}, {"sounds.ringtone", &s.Ringtone}, {"sounds.busy", &s.Busy},
		{"sounds.no_answer", &s.NoAnswer}, {"sounds.door_open", &s.DoorOpen}, {"sounds.warning", &s.Warning},
	}
}
