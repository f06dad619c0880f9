package sdp

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/pion/sdp/v3"

	"github.com/skoip/skoip/media"
)

// remote is a parsed remote SDP body.
type remote struct {
	streams []stream
}

// stream is one m= section of a remote body, with session-level defaults
// (c=, direction, ptime) already applied.
type stream struct {
	m        mLine
	port     int
	pts      []uint8 // the payload types of the m= line that parse
	rtpmaps  map[uint8]rtpmap
	fmtps    map[uint8]string // a=fmtp parameters by payload type (at most maxFMTP bytes)
	conn     string           // c= address as written (media level, else session level)
	dir      media.Direction
	ptime    time.Duration // 0 when absent
	maxptime time.Duration // 0 when absent
	rtcp     string        // a=rtcp value, "" when absent
	crypto   []string      // a=crypto values (media level only, RFC 4568), in order
}

// parse reads a remote SDP body.
func parse(body []byte) (*remote, error) {
	text, ms, err := normalize(body)
	if err != nil {
		return nil, err
	}
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(text); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSDP, err)
	}
	if len(sd.MediaDescriptions) != len(ms) {
		return nil, fmt.Errorf("%w: m= lines lost in parsing", ErrBadSDP)
	}
	r := &remote{streams: make([]stream, len(ms))}
	for i, md := range sd.MediaDescriptions {
		r.streams[i] = newStream(&sd, md, ms[i])
	}
	return r, nil
}

// newStream collects what negotiation needs from one media description.
func newStream(sd *sdp.SessionDescription, md *sdp.MediaDescription, m mLine) stream {
	s := stream{m: m, port: md.MediaName.Port.Value, rtpmaps: map[uint8]rtpmap{}, fmtps: map[uint8]string{},
		dir: media.SendRecv}
	for _, f := range m.formats {
		if pt, ok := parsePT(f); ok {
			s.pts = append(s.pts, pt)
		}
	}
	if c := connAddr(md.ConnectionInformation); c != "" {
		s.conn = c
	} else {
		s.conn = connAddr(sd.ConnectionInformation)
	}
	s.applyAttributes(sd.Attributes)
	s.applyAttributes(md.Attributes)
	for _, a := range md.Attributes {
		if strings.EqualFold(a.Key, "crypto") && len(s.crypto) < maxCrypto {
			s.crypto = append(s.crypto, a.Value)
		}
	}
	return s
}

func connAddr(c *sdp.ConnectionInformation) string {
	if c == nil || c.Address == nil {
		return ""
	}
	return c.Address.Address
}

// applyAttributes reads the attributes we use; media-level ones are
// applied after session-level ones and so override them.
func (s *stream) applyAttributes(attrs []sdp.Attribute) {
	for _, a := range attrs {
		switch strings.ToLower(a.Key) {
		case "sendrecv":
			s.dir = media.SendRecv
		case "sendonly":
			s.dir = media.SendOnly
		case "recvonly":
			s.dir = media.RecvOnly
		case "inactive":
			s.dir = media.Inactive
		case "rtpmap":
			if pt, m, ok := parseRTPMap(a.Value); ok {
				s.rtpmaps[pt] = m
			}
		case "fmtp":
			if pt, v, ok := parseFMTP(a.Value); ok {
				s.fmtps[pt] = v
			}
		case "ptime":
			s.ptime = parseMillis(a.Value)
		case "maxptime":
			s.maxptime = parseMillis(a.Value)
		case "rtcp":
			s.rtcp = a.Value
		}
	}
}

// parseFMTP parses "<pt> <parameters>"; parameters longer than maxFMTP are
// refused (the codec then takes its defaults).
func parseFMTP(v string) (uint8, string, bool) {
	ptStr, params, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return 0, "", false
	}
	pt, ok := parsePT(ptStr)
	params = strings.TrimSpace(params)
	if !ok || len(params) > maxFMTP {
		return 0, "", false
	}
	return pt, params, true
}

// parseMillis parses a ptime value; some phones write "20.0". Invalid or
// absurd values give 0.
func parseMillis(v string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !(f > 0 && f <= 1000) {
		return 0
	}
	return time.Duration(f * float64(time.Millisecond))
}

// maxCrypto bounds the a=crypto lines read per stream.
const maxCrypto = 32

// isAudioAVP reports whether the stream is a live RTP/AVP audio stream.
func (s *stream) isAudioAVP() bool {
	return s.isAudio() && strings.EqualFold(s.m.proto, "RTP/AVP")
}

// isAudioSAVP reports whether the stream is a live RTP/SAVP audio stream
// (SRTP, RFC 3711 section 12).
func (s *stream) isAudioSAVP() bool {
	return s.isAudio() && strings.EqualFold(s.m.proto, "RTP/SAVP")
}

func (s *stream) isAudio() bool {
	return s.port > 0 && strings.EqualFold(s.m.media, "audio")
}

// addr is the stream's c= address as an IP.
func (s *stream) addr() (netip.Addr, error) {
	host, _, _ := strings.Cut(s.conn, "/") // multicast TTL and range
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%w: c= address %q", ErrBadSDP, clip(s.conn))
	}
	a = a.Unmap()
	if !unicastOrHold(a) {
		return netip.Addr{}, fmt.Errorf("%w: c= address %s is not a unicast address", ErrNotAcceptable, a)
	}
	return a, nil
}

// unicastOrHold reports whether a is an address RTP may be sent to, or the
// unspecified address of hold (RFC 3264 8.4, RFC 2543): not multicast, not
// the IPv4 broadcast 255.255.255.255, not 0.0.0.0/8 beyond 0.0.0.0 itself.
func unicastOrHold(a netip.Addr) bool {
	switch {
	case a.IsUnspecified():
		return true
	case a.IsMulticast():
		return false
	case a.Is4() && (a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) || a.As4()[0] == 0):
		return false
	}
	return true
}

// effectiveDir is the remote side's direction with the RFC 2543 hold
// address (c=0.0.0.0) taken as "do not send to me".
func (s *stream) effectiveDir(a netip.Addr) media.Direction {
	if !a.IsUnspecified() {
		return s.dir
	}
	switch s.dir {
	case media.SendRecv:
		return media.SendOnly
	case media.RecvOnly:
		return media.Inactive
	}
	return s.dir
}

// rtcpAddr is where the remote wants RTCP: a=rtcp (RFC 3605) when given,
// else the RTP port + 1.
func (s *stream) rtcpAddr(rtp netip.AddrPort) netip.AddrPort {
	f := strings.Fields(s.rtcp)
	if len(f) == 0 {
		return netip.AddrPortFrom(rtp.Addr(), rtp.Port()+1)
	}
	port, err := strconv.ParseUint(f[0], 10, 16)
	if err != nil || port == 0 {
		return netip.AddrPortFrom(rtp.Addr(), rtp.Port()+1)
	}
	addr := rtp.Addr()
	if len(f) == 4 {
		if a, err := netip.ParseAddr(f[3]); err == nil {
			addr = a.Unmap()
		}
	}
	return netip.AddrPortFrom(addr, uint16(port))
}
