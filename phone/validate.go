package phone

import (
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
	if len(req.Recipient.Headers) > 0 {
		return &verdict{code: 400, reason: "Headers In Request-URI"}
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
		return &verdict{code: 400, reason: "Missing Mandatory Header"}
	}
	if req.CallID().Value() == "" {
		return &verdict{code: 400, reason: "Empty Call-ID"}
	}
	if !strings.EqualFold(string(cseq.MethodName), string(req.Method)) {
		return &verdict{code: 400, reason: "CSeq Method Mismatch"}
	}
	if uint64(cseq.SeqNo) >= maxCSeq {
		return &verdict{code: 400, reason: "CSeq Out Of Range"}
	}
	if !sipScheme(from.Address.Scheme) || !sipScheme(to.Address.Scheme) {
		return &verdict{code: 400, reason: "Bad From Or To URI"}
	}
	if len(req.GetHeaders("Content-Length")) > 1 || len(req.GetHeaders("CSeq")) > 1 ||
		len(req.GetHeaders("Call-ID")) > 1 || len(req.GetHeaders("From")) > 1 || len(req.GetHeaders("To")) > 1 {
		return &verdict{code: 400, reason: "Duplicate Header"}
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
		return &verdict{code: 400, reason: "Body Without Content-Type"}
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

// checkInvite wants one usable Contact, and an Accept that allows SDP.
func checkInvite(req *sip.Request) *verdict {
	if !acceptsSDP(req.GetHeaders("Accept")) {
		return &verdict{code: 406, reason: "Not Acceptable",
			extra: []sip.Header{sip.NewHeader("Accept", sdpType)}}
	}
	cs := req.GetHeaders("Contact")
	ct := req.Contact()
	if len(cs) != 1 || ct == nil || ct.Address.Wildcard || !sipScheme(ct.Address.Scheme) || ct.Address.Host == "" {
		return &verdict{code: 400, reason: "Bad Contact"}
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
