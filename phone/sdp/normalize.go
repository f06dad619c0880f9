package sdp

import (
	"fmt"
	"slices"
	"strings"
)

// maxBody bounds the SDP bodies we read; real offers are under 2 KB.
const maxBody = 16 << 10

// maxStreams bounds the m= lines of an offer; the answer repeats each one.
const maxStreams = 16

// sessionOrder and mediaOrder are the line types of RFC 8866 section 5 in
// the order pion's parser insists on. t= and r= share a rank so that each
// r= stays behind its t=.
const (
	sessionOrder = "vosiuepcbtzka"
	mediaOrder   = "mickba"
)

// mLine is an m= line as the remote wrote it.
type mLine struct {
	media, port, proto string
	formats            []string
}

// normalize rewrites a remote SDP body into a form that pion parses: CRLF
// line ends, no blank or unknown lines, lines in RFC order, s= and t=
// supplied when missing, and m= lines that pion's lists of media and
// transports accept. The m= lines as written are returned beside it.
func normalize(body []byte) (string, []mLine, error) {
	if len(body) > maxBody {
		return "", nil, fmt.Errorf("%w: body of %d bytes", ErrBadSDP, len(body))
	}
	sections := [][]string{nil}
	var ms []mLine
	for raw := range strings.SplitSeq(string(body), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if len(line) < 2 || line[1] != '=' {
			return "", nil, fmt.Errorf("%w: line %q", ErrBadSDP, clip(line))
		}
		switch {
		case line[0] == 'm':
			m, err := parseMLine(line[2:])
			if err != nil {
				return "", nil, err
			}
			if len(ms) == maxStreams {
				return "", nil, fmt.Errorf("%w: more than %d m= lines", ErrBadSDP, maxStreams)
			}
			ms = append(ms, m)
			sections = append(sections, []string{m.pionLine()})
		case strings.IndexByte(sessionOrder+"r", line[0]) >= 0:
			sections[len(sections)-1] = append(sections[len(sections)-1], line)
		}
	}
	return join(sections), ms, nil
}

// join orders each section's lines and joins all with CRLF.
func join(sections [][]string) string {
	sess := sections[0]
	if !hasType(sess, 's') {
		sess = append(sess, "s=-")
	}
	if !hasType(sess, 't') {
		sess = append(sess, "t=0 0")
	}
	slices.SortStableFunc(sess, byRank(sessionOrder))
	var b strings.Builder
	for _, l := range sess {
		b.WriteString(l + "\r\n")
	}
	for _, sec := range sections[1:] {
		slices.SortStableFunc(sec, byRank(mediaOrder))
		for _, l := range sec {
			b.WriteString(l + "\r\n")
		}
	}
	return b.String()
}

func hasType(lines []string, t byte) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return l[0] == t })
}

// byRank compares lines by the position of their type in order; r= ranks
// as t=, and types missing from order (a media-level v=) sort first so
// that pion rejects them.
func byRank(order string) func(a, b string) int {
	rank := func(l string) int {
		t := l[0]
		if t == 'r' {
			t = 't'
		}
		return strings.IndexByte(order, t)
	}
	return func(a, b string) int { return rank(a) - rank(b) }
}

// parseMLine splits "<media> <port>[/<n>] <proto> <fmt> ...".
func parseMLine(v string) (mLine, error) {
	f := strings.Fields(v)
	if len(f) < 3 {
		return mLine{}, fmt.Errorf("%w: m=%s", ErrBadSDP, clip(v))
	}
	return mLine{media: f[0], port: f[1], proto: f[2], formats: f[3:]}, nil
}

// pionLine is the m= line with media and transport replaced by ones pion
// knows when pion would refuse them (m=image 0 udptl t38, say).
func (m mLine) pionLine() string {
	media, proto := m.media, m.proto
	if !pionMedia(media) || !pionProto(proto) {
		media, proto = "application", "UDP"
	}
	return "m=" + strings.Join(append([]string{media, m.port, proto}, m.formats...), " ")
}

func pionMedia(s string) bool {
	return slices.Contains([]string{"audio", "video", "text", "application", "message"}, s)
}

func pionProto(s string) bool {
	known := []string{"UDP", "RTP", "AVP", "SAVP", "SAVPF", "TLS", "DTLS", "SCTP",
		"AVPF", "TCP", "MSRP", "BFCP", "UDT", "IX", "MRCPv2", "FEC"}
	for p := range strings.SplitSeq(s, "/") {
		if !slices.Contains(known, p) {
			return false
		}
	}
	return true
}

// clip shortens remote text quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
