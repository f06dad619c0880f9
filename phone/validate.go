package phone

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// verdict is a request refused by our semantic checks.
type verdict struct {
	code   int
	reason string
	extra  []sip.Header
}

// maxCSeq is 2^31: RFC 3261 8.1.1.5 keeps CSeq numbers below it.
const maxCSeq = 1 << 31

// check does what sipgo's parser does not: the checks RFC 3261 8.2 asks of
// a UAS before it processes a request. nil means acceptable.
func check(req *sip.Request) *verdict {
	if req.SipVersion != "SIP/2.0" {
		return &verdict{code: 505, reason: "Version Not Supported"}
	}
	if v := checkHeaders(req); v != nil {
		return v
	}
	if s := strings.ToLower(req.Recipient.Scheme); s != "sip" && s != "sips" {
		return &verdict{code: 416, reason: "Unsupported URI Scheme"}
	}
	if req.Recipient.Host == "" {
		return bad("Request-URI without host")
	}
	if len(req.Recipient.Headers) > 0 {
		return bad("headers in the Request-URI")
	}
	if req.IsAck() || req.IsCancel() {
		return nil
	}
	if v := checkRequire(req); v != nil {
		return v
	}
	if v := checkBody(req); v != nil {
		return v
	}
	if req.IsInvite() {
		return checkInvite(req)
	}
	return nil
}

// checkHeaders wants the mandatory headers, consistent and within range.
func checkHeaders(req *sip.Request) *verdict {
	from, to, cseq := req.From(), req.To(), req.CSeq()
	if req.Via() == nil || from == nil || to == nil || req.CallID() == nil || cseq == nil {
		return bad("missing Via, From, To, Call-ID or CSeq")
	}
	if req.CallID().Value() == "" {
		return bad("empty Call-ID")
	}
	if !strings.EqualFold(string(cseq.MethodName), string(req.Method)) {
		return bad("CSeq method is not the request's")
	}
	if uint64(cseq.SeqNo) >= maxCSeq {
		return bad("CSeq out of range")
	}
	if !sipScheme(from.Address.Scheme) || !sipScheme(to.Address.Scheme) {
		return bad("From or To not a sip, sips or tel URI")
	}
	if len(req.GetHeaders("Content-Length")) > 1 || len(req.GetHeaders("CSeq")) > 1 ||
		len(req.GetHeaders("Call-ID")) > 1 || len(req.GetHeaders("From")) > 1 || len(req.GetHeaders("To")) > 1 {
		return bad("more than one Content-Length, CSeq, Call-ID, From or To")
	}
	return nil
}

func sipScheme(s string) bool {
	s = strings.ToLower(s)
	return s == "sip" || s == "sips" || s == "tel"
}

// checkRequire refuses extensions we do not support (we support none).
func checkRequire(req *sip.Request) *verdict {
	var unknown []string
	for _, h := range req.GetHeaders("Require") {
		for _, opt := range strings.Split(h.Value(), ",") {
			if opt = strings.TrimSpace(opt); opt != "" {
				unknown = append(unknown, opt)
			}
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	return &verdict{code: 420, reason: "Bad Extension",
		extra: []sip.Header{sip.NewHeader("Unsupported", strings.Join(unknown, ", "))}}
}

// checkBody refuses bodies we cannot read.
func checkBody(req *sip.Request) *verdict {
	if len(req.Body()) == 0 {
		return nil
	}
	if h := req.GetHeader("Content-Encoding"); h != nil && !strings.EqualFold(strings.TrimSpace(h.Value()), "identity") {
		return unsupportedMedia()
	}
	ct := req.ContentType()
	if ct == nil {
		return bad("body without Content-Type")
	}
	if req.IsInvite() && mediaType(ct.Value()) != sdpType {
		return unsupportedMedia()
	}
	return nil
}

func unsupportedMedia() *verdict {
	return &verdict{code: 415, reason: "Unsupported Media Type",
		extra: []sip.Header{sip.NewHeader("Accept", acceptTypes), sip.NewHeader("Accept-Encoding", "identity")}}
}

// checkInvite wants a From tag (dialogs never match an empty tag, so a
// call without one could not be hung up by its caller), one usable
// Contact, and an Accept that allows SDP.
func checkInvite(req *sip.Request) *verdict {
	if tag, _ := req.From().Params.Get("tag"); tag == "" {
		return &verdict{code: 400, reason: "Bad Request (From without tag)"}
	}
	if !acceptsSDP(req.GetHeaders("Accept")) {
		return &verdict{code: 406, reason: "Not Acceptable",
			extra: []sip.Header{sip.NewHeader("Accept", sdpType)}}
	}
	cs := req.GetHeaders("Contact")
	ct := req.Contact()
	if len(cs) != 1 || ct == nil || ct.Address.Wildcard || !sipScheme(ct.Address.Scheme) || ct.Address.Host == "" {
		return bad("INVITE without one usable Contact")
	}
	return nil
}

// mediaType is the lower-case type/subtype of a Content-Type value.
func mediaType(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// acceptsSDP reports whether Accept headers (none means SDP) allow SDP.
func acceptsSDP(hs []sip.Header) bool {
	if len(hs) == 0 {
		return true
	}
	for _, h := range hs {
		for _, v := range strings.Split(h.Value(), ",") {
			switch mediaType(v) {
			case sdpType, "application/*", "*/*", "":
				return true
			}
		}
	}
	return false
}

// lint checks what sipgo's parser lets through or refuses without saying
// why, on the raw datagram: control bytes, the request line's shape, header
// names, numbers that must be numbers, balanced quotes and, over UDP, a
// Content-Length that the datagram holds. nil means no such problem.
func lint(m *rawMsg, udp bool) *verdict {
	if !m.complete {
		return bad("no blank line after the headers")
	}
	if v := lintStartLine(m.start); v != nil {
		return v
	}
	for _, h := range m.headers {
		if v := lintHeader(h); v != nil {
			return v
		}
	}
	return lintLength(m, udp)
}

// bad is a 400 whose reason phrase names the problem.
func bad(why string) *verdict {
	return &verdict{code: 400, reason: "Bad Request (" + why + ")"}
}

// lintStartLine wants Method SP Request-URI SP SIP-Version, single spaces.
func lintStartLine(line []byte) *verdict {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		return bad("NUL byte in the request line")
	}
	if hasControl(line) {
		return bad("control character or tab in the request line")
	}
	parts := strings.Split(string(line), " ")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return bad("request line is not method, URI and version separated by single spaces")
	}
	if !isToken(parts[0]) {
		return bad("method is not a token")
	}
	return lintRequestURI(parts[1])
}

// lintRequestURI wants a sip: or sips: URI with a host and valid escapes.
func lintRequestURI(u string) *verdict {
	if strings.HasPrefix(u, "<") {
		return bad("Request-URI in angle brackets")
	}
	scheme, rest, ok := strings.Cut(u, ":")
	if !ok || !isToken(scheme) {
		return bad("Request-URI has no scheme")
	}
	if s := strings.ToLower(scheme); s != "sip" && s != "sips" {
		return &verdict{code: 416, reason: "Unsupported URI Scheme"}
	}
	if !validEscapes(u) {
		return bad("bad %-escape in the Request-URI")
	}
	hostPart := rest
	if i := strings.LastIndexByte(hostPart, '@'); i >= 0 {
		hostPart = hostPart[i+1:]
	}
	if i := strings.IndexAny(hostPart, ";?"); i >= 0 {
		hostPart = hostPart[:i]
	}
	if host, _, _ := strings.Cut(hostPart, ":"); host == "" && !strings.HasPrefix(hostPart, "[") {
		return bad("Request-URI without host")
	}
	return nil
}

// lintHeader checks one header line.
func lintHeader(h rawHeader) *verdict {
	if bytes.IndexByte(h.name, 0) >= 0 {
		return bad("NUL byte in a header")
	}
	if hasControl(h.name) {
		return bad("control character in a header")
	}
	if !h.colon {
		return bad("header without colon")
	}
	if len(h.name) == 0 {
		return bad("empty header name")
	}
	if !isToken(string(h.name)) {
		return bad("header name is not a token")
	}
	if why := scanValue(h.value, quotedHeaders[h.canonical()]); why != "" {
		return bad(why + " in " + h.canonical())
	}
	return lintValue(h.canonical(), string(h.value))
}

// lintValue checks the numbers of the headers we read.
func lintValue(name, v string) *verdict {
	switch name {
	case "cseq":
		num, _, _ := strings.Cut(strings.TrimSpace(v), " ")
		num, _, _ = strings.Cut(num, "\t")
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil && !allDigits(num) {
			return bad("CSeq not a number")
		}
		if err != nil || n >= maxCSeq {
			return bad("CSeq out of range")
		}
	case "content-length":
		if strings.HasPrefix(v, "-") {
			return bad("negative Content-Length")
		}
		if _, err := strconv.ParseUint(v, 10, 31); err != nil {
			return bad("Content-Length not a number")
		}
	case "max-forwards":
		if strings.HasPrefix(v, "-") {
			return bad("negative Max-Forwards")
		}
		if n, err := strconv.ParseUint(v, 10, 64); err != nil || n > 255 {
			return bad("Max-Forwards not a number from 0 to 255")
		}
	case "contact", "from", "to":
		if !strings.Contains(v, "<") && strings.Contains(v, "?") {
			return bad("URI with headers not in angle brackets in " + name)
		}
	case "expires":
		if _, err := strconv.ParseUint(v, 10, 32); err != nil {
			return bad("Expires not a number of seconds")
		}
	}
	return nil
}

// lintLength: over UDP the datagram is the message, so a Content-Length
// beyond its end means a truncated message (RFC 3261 18.3: 400).
func lintLength(m *rawMsg, udp bool) *verdict {
	cl := m.all("content-length")
	if len(cl) > 1 {
		return bad("more than one Content-Length")
	}
	if !udp || len(cl) == 0 {
		return nil
	}
	if n, _ := strconv.Atoi(string(cl[0])); n > len(m.body) {
		return bad("Content-Length larger than the message")
	}
	return nil
}

// hasControl reports a byte below 0x20 or DEL.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// isToken reports whether s is an RFC 3261 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-.!%*_+`'~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validEscapes wants every % followed by two hex digits.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		i += 2
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// quotedHeaders are the headers whose values may hold quoted strings that we
// read (display names, Via and auth parameters); in others (Call-ID, for
// one) a quote is an ordinary character.
var quotedHeaders = map[string]bool{
	"from": true, "to": true, "contact": true, "route": true, "record-route": true,
	"via": true, "authorization": true, "proxy-authorization": true, "content-type": true,
}

// scanValue wants control bytes (tab aside) only escaped inside a quoted
// string (a quoted-pair, RFC 3261 25.1) and, with quotes, every quoted
// string closed.
func scanValue(v []byte, quotes bool) string {
	in := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case in && c == '\\' && i+1 < len(v):
			i++
		case quotes && c == '"':
			in = !in
		case c == 0:
			return "NUL byte"
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "control character"
		}
	}
	if in {
		return "unbalanced quote"
	}
	return ""
}
