package codec

import (
	"fmt"
	"sort"
	"strings"
)

// Factory builds a Codec for the payload type that SDP negotiated, with
// opt (ignored by codecs without settings).
type Factory func(pt uint8, opt Options) (Codec, error)

// Registry maps SDP encoding names (case-insensitive) to factories. The
// zero value is empty; NewRegistry returns one holding the built-in codecs.
// A Registry is not safe for concurrent Register calls; fill it at start-up.
type Registry struct {
	factories map[string]Factory
}

// NewRegistry returns a Registry holding the built-in codecs: PCMU, PCMA,
// L16, G722, and opus where the build has libopus (cgo).
func NewRegistry() *Registry {
	return &Registry{factories: builtins()}
}

func builtins() map[string]Factory {
	m := map[string]Factory{
		"PCMU": func(pt uint8, _ Options) (Codec, error) { return PCMU{pt: pt}, nil },
		"PCMA": func(pt uint8, _ Options) (Codec, error) { return PCMA{pt: pt}, nil },
		"L16":  func(pt uint8, _ Options) (Codec, error) { return L16{pt: pt}, nil },
	}
	for name, f := range extra {
		m[name] = f
	}
	return m
}

// Register adds a codec under name; it fails if name is already taken.
func (r *Registry) Register(name string, f Factory) error {
	key := strings.ToUpper(name)
	if r.factories == nil {
		r.factories = make(map[string]Factory)
	}
	if _, ok := r.factories[key]; ok {
		return fmt.Errorf("codec.Register %q: %w", name, ErrDuplicate)
	}
	r.factories[key] = f
	return nil
}

// ByName builds the codec registered as name for payload type pt.
func (r *Registry) ByName(name string, pt uint8, opt Options) (Codec, error) {
	if pt > 127 {
		return nil, fmt.Errorf("codec.ByName %q pt %d: %w", name, pt, ErrBadPayloadType)
	}
	f, ok := r.factories[strings.ToUpper(name)]
	if !ok {
		return nil, fmt.Errorf("codec.ByName %q: %w", name, ErrUnknownCodec)
	}
	return f(pt, opt)
}

// Names returns the registered encoding names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.factories))
	for n := range r.factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ByName builds one of the built-in codecs ("PCMU", "PCMA", "L16", "G722",
// "opus", any case) for payload type pt. PCMU, PCMA and G722 normally use
// their static types 0, 8 and 9, but a peer may map them to a dynamic type
// and that is honoured.
func ByName(name string, pt uint8, opt Options) (Codec, error) {
	return NewRegistry().ByName(name, pt, opt)
}

// extra holds the built-ins defined in other files (G722, opus), added by
// their init functions.
var extra = map[string]Factory{}
