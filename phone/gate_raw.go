package phone

import (
	"bytes"
	"strconv"
	"strings"
)

// rawMsg is a datagram cut into lines by a tolerant scanner: it reads what
// sipgo's parser refuses, enough to name the problem and answer 400.
type rawMsg struct {
	start    []byte      // the first line
	headers  []rawHeader // folded lines unfolded
	body     []byte
	complete bool // a blank line ended the headers
}

// rawHeader is one header line; colon is false when it has none.
type rawHeader struct {
	name, value []byte
	colon       bool
}

// maxRawHeaders bounds the scan: a datagram of 65535 one-byte lines costs
// no more than this many entries.
const maxRawHeaders = 200

// scanRaw splits b into start line, headers and body. Lines end with LF,
// an optional CR before it is dropped.
func scanRaw(b []byte) rawMsg {
	var m rawMsg
	first := true
	for len(b) > 0 {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		b = rest
		line = bytes.TrimSuffix(line, []byte{'\r'})
		switch {
		case first:
			m.start, first = line, false
		case len(line) == 0:
			m.complete, m.body = ok, b
			return m
		case (line[0] == ' ' || line[0] == '\t') && len(m.headers) > 0:
			h := &m.headers[len(m.headers)-1]
			h.value = append(append(append([]byte(nil), h.value...), ' '), bytes.TrimSpace(line)...)
		case len(m.headers) < maxRawHeaders:
			m.headers = append(m.headers, splitHeader(line))
		}
	}
	return m
}

func splitHeader(line []byte) rawHeader {
	name, value, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return rawHeader{name: line}
	}
	return rawHeader{name: bytes.TrimRight(name, " \t"), value: bytes.TrimSpace(value), colon: true}
}

// compactNames are RFC 3261's one-letter header names (7.3.3).
var compactNames = map[string]string{
	"v": "via", "f": "from", "t": "to", "i": "call-id", "l": "content-length",
	"m": "contact", "c": "content-type", "e": "content-encoding", "k": "supported", "s": "subject",
}

// canonical is a header's lower-case long name.
func (h rawHeader) canonical() string {
	n := strings.ToLower(string(h.name))
	if long, ok := compactNames[n]; ok {
		return long
	}
	return n
}

// all returns the values of the headers named name (lower-case long form).
func (m *rawMsg) all(name string) [][]byte {
	var out [][]byte
	for _, h := range m.headers {
		if h.colon && h.canonical() == name {
			out = append(out, h.value)
		}
	}
	return out
}

// first returns the first value of name, or nil.
func (m *rawMsg) first(name string) []byte {
	if vs := m.all(name); len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// method is the first token of the start line.
func (m *rawMsg) method() string {
	tok, _, _ := bytes.Cut(m.start, []byte{' '})
	return string(tok)
}

// isResponse reports whether the start line is a status line.
func (m *rawMsg) isResponse() bool {
	return bytes.HasPrefix(m.start, []byte("SIP/"))
}

// viaReadable reports whether the top Via names a protocol and a sent-by:
// only then is there someone to answer.
func (m *rawMsg) viaReadable() bool {
	v := m.first("via")
	if v == nil {
		return false
	}
	s := strings.ToUpper(strings.Join(strings.Fields(string(v)), " "))
	for strings.Contains(s, " /") || strings.Contains(s, "/ ") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, " /", "/"), "/ ", "/")
	}
	proto, sentBy, ok := strings.Cut(s, " ")
	parts := strings.Split(proto, "/")
	return ok && len(parts) == 3 && parts[0] == "SIP" && parts[1] != "" && parts[2] != "" && sentBy != "" && sentBy[0] != ';'
}

// rawReply formats a bodiless response from the raw headers: every Via in
// order, From, To (with tag added when it has none), Call-ID and CSeq, as
// RFC 3261 8.2.6.2 asks. Control bytes in copied values become spaces.
func rawReply(m *rawMsg, code int, reason, tag, server string) []byte {
	var b bytes.Buffer
	b.WriteString("SIP/2.0 " + strconv.Itoa(code) + " " + reason + "\r\n")
	for _, v := range m.all("via") {
		writeRawHeader(&b, "Via", v)
	}
	if v := m.first("from"); v != nil {
		writeRawHeader(&b, "From", v)
	}
	if v := m.first("to"); v != nil {
		to := v
		if !hasTagParam(v) {
			to = append(append([]byte(nil), v...), ";tag="+tag...)
		}
		writeRawHeader(&b, "To", to)
	}
	if v := m.first("call-id"); v != nil {
		writeRawHeader(&b, "Call-ID", v)
	}
	if v := m.first("cseq"); v != nil {
		writeRawHeader(&b, "CSeq", v)
	}
	writeRawHeader(&b, "Server", []byte(server))
	b.WriteString("Content-Length: 0\r\n\r\n")
	return b.Bytes()
}

func writeRawHeader(b *bytes.Buffer, name string, v []byte) {
	b.WriteString(name)
	b.WriteString(": ")
	for _, c := range v {
		if c < 0x20 || c == 0x7f {
			c = ' '
		}
		b.WriteByte(c)
	}
	b.WriteString("\r\n")
}

// hasTagParam reports whether a From/To value has a tag parameter outside
// its <URI> and quoted display name.
func hasTagParam(v []byte) bool {
	s := string(v)
	if i := strings.LastIndexByte(s, '>'); i >= 0 {
		s = s[i+1:]
	}
	for _, p := range strings.Split(s, ";")[1:] {
		k, _, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "tag") {
			return true
		}
	}
	return false
}
