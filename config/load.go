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
	data, err := readFile(path)
	if err != nil {
		return nil, &Error{Problems: []Problem{{File: path, Msg: err.Error()}}}
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
	files := &checker{file: name, lines: lines}
	checkFiles(files, &cfg)
	probs = append(probs, files.probs...)
	if len(probs) > 0 {
		sortProblems(probs)
		return nil, &Error{Problems: capProblems(probs)}
	}
	return &cfg, nil
}

// decodeOver decodes data into cfg and reports unknown keys; fatal is true
// when the file could not be decoded at all (syntax or type error).
func decodeOver(cfg *Config, name string, data []byte) (lines lineIndex, probs []Problem, fatal bool) {
	if len(data) > MaxFileSize {
		return nil, []Problem{{File: name, Msg: fmt.Sprintf("%d bytes, over the limit of %d (64 KiB) for a configuration file", len(data), MaxFileSize)}}, true
	}
	if line, msg := checkShape(data); line > 0 {
		return nil, []Problem{{File: name, Line: line, Msg: msg}}, true
	}
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
	return lines, unknownKeys(name, lines, md.Undecoded()), false
}

// maxUnknownKeys bounds the unknown keys listed: a file of thousands of
// them (64 KiB of "k1 = 1" lines) would otherwise print thousands of
// lines, and place each in a scan of the whole file.
const maxUnknownKeys = 20

const unknownKey = "unknown key (misspelt, or not in this version; see `skoip check-config --example`)"

// unknownKeys reports the keys that the schema does not have, each on its
// line, at most maxUnknownKeys of them.
func unknownKeys(name string, lines lineIndex, undecoded []toml.Key) []Problem {
	keys := make([]string, len(undecoded))
	parents := map[string]bool{}
	for i, k := range undecoded {
		keys[i] = k.String()
		for j := range len(keys[i]) {
			if keys[i][j] == '.' {
				parents[keys[i][:j]] = true
			}
		}
	}
	var probs []Problem
	for _, key := range keys {
		if parents[key] {
			continue // an unknown table: its keys are reported instead
		}
		where := lines.matching(key)
		if len(where) == 0 {
			where = []string{key}
		}
		for _, w := range where {
			p := Problem{File: name, Line: lines.line(w), Key: w, Msg: unknownKey}
			if len(probs) == maxUnknownKeys {
				p.Msg += fmt.Sprintf("; more unknown keys follow, not listed beyond the first %d", maxUnknownKeys)
				return append(probs, p)
			}
			probs = append(probs, p)
		}
	}
	return probs
}

// maxProblems bounds the problems listed: 64 KiB of "[[buttons]]" lines
// make 10,922 of them.
const maxProblems = 50

// capProblems keeps the first maxProblems problems and says how many more
// there are.
func capProblems(p []Problem) []Problem {
	if len(p) <= maxProblems {
		return p
	}
	last := p[maxProblems-1]
	last.Msg += fmt.Sprintf(" (and %d more problems after this line, not listed)", len(p)-maxProblems)
	return append(p[:maxProblems-1:maxProblems-1], last)
}

func sortProblems(p []Problem) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Line < p[j].Line })
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
	line, _ = strconv.Atoi(rest[:n]) // digits only: past the largest int it gives that int
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

// resolvePaths makes relative paths (WAV files, mqtt.ca_file) relative to
// the config file's folder.
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
	for _, p := range append(audioPaths(&cfg.Audio), &cfg.MQTT.CAFile, &cfg.SIP.TLSCAFile) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// audioPaths are the files the audio backend reads or writes: capture and
// playback of "file", the talker and a recorded noise of "room".
func audioPaths(a *Audio) []*string {
	switch a.Backend {
	case BackendFile:
		return []*string{&a.Capture, &a.Playback}
	case BackendRoom:
		if a.Room.NoiseIsFile() {
			return []*string{&a.Room.Talker, &a.Room.Noise}
		}
		return []*string{&a.Room.Talker}
	}
	return nil
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
		{"sounds.do_not_disturb", &s.DoNotDisturb}, {"sounds.leave_message", &s.LeaveMessage},
	}
}
