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
)

// Names of the auxiliary payload formats.
const (
	telephoneEvent = "telephone-event"
	comfortNoise   = "CN"
)

// clockRate is the RTP clock rate of every format we use.
const clockRate = 8000

// noStatic marks a format without a static payload type at 8000 Hz.
const noStatic = -1

// format is one RTP payload format we know.
type format struct {
	name      string
	static    int   // static payload type (RFC 3551) or noStatic
	offeredPT uint8 // the payload type we put in our offers
}

// formats lists what we can send and receive. L16 has static types 10 and
// 11, but those are 44100 Hz: L16/8000 needs a dynamic payload type.
var formats = [...]format{
	{name: PCMU, static: 0, offeredPT: 0},
	{name: PCMA, static: 8, offeredPT: 8},
	{name: L16, static: noStatic, offeredPT: 96},
	{name: telephoneEvent, static: noStatic, offeredPT: 101},
	{name: comfortNoise, static: 13, offeredPT: 13},
}

// lookupFormat finds a format by name, case-insensitively.
func lookupFormat(name string) (format, bool) {
	for _, f := range formats {
		if strings.EqualFold(f.name, name) {
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

// is reports whether payload type pt of a stream carries the named format
// at 8000 Hz mono: by its rtpmap when it has one, else by static type.
func (s *stream) is(pt uint8, name string) bool {
	if m, ok := s.rtpmaps[pt]; ok {
		return strings.EqualFold(m.name, name) && m.rate == clockRate && m.channels <= 1
	}
	f, ok := lookupFormat(name)
	return ok && f.static == int(pt)
}

// find returns the first payload type of the stream, in the stream's
// order, that carries the named format.
func (s *stream) find(name string) (uint8, bool) {
	for _, pt := range s.pts {
		if s.is(pt, name) {
			return pt, true
		}
	}
	return 0, false
}
