package sdp

import (
	"strconv"
	"strings"
)

// Codec names as used in Local.Codecs and media.Params.Codec.
const (
	PCMU = "PCMU"
	PCMA = "PCMA"
	L16  = "L16"
	G722 = "G722"
	Opus = "opus"
)

// Names of the auxiliary payload formats.
const (
	telephoneEvent = "telephone-event"
	comfortNoise   = "CN"
)

// narrowClock is the RTP clock rate of G.711, G.722 (RFC 3551 keeps 8000
// for its 16 kHz audio), L16/8000 and comfort noise.
const narrowClock = 8000

// opusClock is Opus's RTP clock rate, whatever its audio rate (RFC 7587).
const opusClock = 48000

// noStatic marks a format without a static payload type.
const noStatic = -1

// format is one RTP payload format we know.
type format struct {
	name      string
	rate      int   // RTP clock rate
	channels  int   // in the rtpmap: 2 for Opus (RFC 7587), else 0 (mono, left out)
	static    int   // static payload type (RFC 3551) or noStatic
	offeredPT uint8 // the payload type we put in our offers
}

// formats lists what we can send and receive. L16 has static types 10 and
// 11, but those are 44100 Hz: L16/8000 needs a dynamic payload type.
// telephone-event comes at two rates: /8000 beside the 8000 Hz codecs and
// /48000 beside Opus.
var formats = [...]format{
	{name: Opus, rate: opusClock, channels: 2, static: noStatic, offeredPT: 111},
	{name: G722, rate: narrowClock, static: 9, offeredPT: 9},
	{name: PCMU, rate: narrowClock, static: 0, offeredPT: 0},
	{name: PCMA, rate: narrowClock, static: 8, offeredPT: 8},
	{name: L16, rate: narrowClock, static: noStatic, offeredPT: 96},
	{name: telephoneEvent, rate: narrowClock, static: noStatic, offeredPT: 101},
	{name: telephoneEvent, rate: opusClock, static: noStatic, offeredPT: 110},
	{name: comfortNoise, rate: narrowClock, static: 13, offeredPT: 13},
}

// lookupFormat finds a codec by name, case-insensitively (the first entry
// for an auxiliary format: telephone-event/8000).
func lookupFormat(name string) (format, bool) {
	for _, f := range formats {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return format{}, false
}

// eventFormat is telephone-event at rate, and whether we have it.
func eventFormat(rate int) (format, bool) {
	for _, f := range formats {
		if f.name == telephoneEvent && f.rate == rate {
			return f, true
		}
	}
	return format{}, false
}

// rtpmap is the value of an a=rtpmap attribute.
type rtpmap struct {
	name     string
	rate     int
	channels int // 0 when not given
}

// parseRTPMap parses "<pt> <name>/<rate>[/<channels>]".
func parseRTPMap(v string) (uint8, rtpmap, bool) {
	ptStr, enc, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return 0, rtpmap{}, false
	}
	pt, ok := parsePT(ptStr)
	if !ok {
		return 0, rtpmap{}, false
	}
	parts := strings.Split(strings.TrimSpace(enc), "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return 0, rtpmap{}, false
	}
	m := rtpmap{name: parts[0]}
	var err error
	if m.rate, err = strconv.Atoi(parts[1]); err != nil || m.rate <= 0 {
		return 0, rtpmap{}, false
	}
	if len(parts) == 3 {
		if m.channels, err = strconv.Atoi(parts[2]); err != nil || m.channels <= 0 {
			return 0, rtpmap{}, false
		}
	}
	return pt, m, true
}

// parsePT parses an RTP payload type (0-127).
func parsePT(s string) (uint8, bool) {
	n, err := strconv.ParseUint(s, 10, 8)
	if err != nil || n > 127 {
		return 0, false
	}
	return uint8(n), true
}

// is reports whether payload type pt of a stream carries format f: by its
// rtpmap when it has one (name, clock rate, and mono, or Opus's /2),
// else by static type.
func (s *stream) is(pt uint8, f format) bool {
	if m, ok := s.rtpmaps[pt]; ok {
		return strings.EqualFold(m.name, f.name) && m.rate == f.rate && m.channels <= max(f.channels, 1)
	}
	return f.static == int(pt)
}

// find returns the first payload type of the stream, in the stream's
// order, that carries f.
func (s *stream) find(f format) (uint8, bool) {
	for _, pt := range s.pts {
		if s.is(pt, f) {
			return pt, true
		}
	}
	return 0, false
}

// findEvent returns the stream's telephone-event payload type and rate:
// the one at the codec's clock rate when there is one, else the first at
// a rate we know (some peers pair telephone-event/8000 with Opus).
func (s *stream) findEvent(codecRate int) (uint8, int, bool) {
	if f, ok := eventFormat(codecRate); ok {
		if pt, ok := s.find(f); ok {
			return pt, f.rate, true
		}
	}
	for _, f := range formats {
		if f.name != telephoneEvent {
			continue
		}
		if pt, ok := s.find(f); ok {
			return pt, f.rate, true
		}
	}
	return 0, 0, false
}

// rtpmapOf is the a=rtpmap encoding of f: "PCMU/8000", "opus/48000/2".
func rtpmapOf(f format) string {
	v := f.name + "/" + strconv.Itoa(f.rate)
	if f.channels > 0 {
		v += "/" + strconv.Itoa(f.channels)
	}
	return v
}
