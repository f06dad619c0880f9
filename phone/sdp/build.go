package sdp

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/pion/sdp/v3"

	"github.com/skoip/skoip/media"
)

// origin is our o= line.
type origin struct {
	user        string
	id, version uint64
}

// description is an SDP body of ours before marshalling.
type description struct {
	origin origin
	addr   netip.Addr
	media  []*sdp.MediaDescription
}

// marshal writes the body: v=, o=, s=, c= (always filled), t=0 0, m=...
func (d *description) marshal() ([]byte, error) {
	nt, at := "IN", addrType(d.addr)
	sd := sdp.SessionDescription{
		Origin: sdp.Origin{
			Username: d.origin.user, SessionID: d.origin.id, SessionVersion: d.origin.version,
			NetworkType: nt, AddressType: at, UnicastAddress: d.addr.String(),
		},
		SessionName: sessionName,
		ConnectionInformation: &sdp.ConnectionInformation{
			NetworkType: nt, AddressType: at, Address: &sdp.Address{Address: d.addr.String()},
		},
		TimeDescriptions:  []sdp.TimeDescription{{}},
		MediaDescriptions: d.media,
	}
	b, err := sd.Marshal()
	if err != nil {
		return nil, fmt.Errorf("sdp.Marshal: %w", err)
	}
	return b, nil
}

func addrType(a netip.Addr) string {
	if a.Is4() {
		return "IP4"
	}
	return "IP6"
}

// audio is the accepted or offered audio stream before marshalling.
type audio struct {
	port   int
	pts    []uint8          // m= formats in order
	maps   map[uint8]string // rtpmap encodings ("PCMU/8000") for those pts
	fmtps  map[uint8]string // a=fmtp parameters by pt ("0-16" for telephone-event)
	ptime  time.Duration
	dir    media.Direction
	savp   bool         // RTP/SAVP instead of RTP/AVP
	crypto []cryptoAttr // a=crypto lines
}

// mediaDescription builds "m=audio <port> RTP/AVP <pts>" (or RTP/SAVP)
// and its attributes: rtpmap for each format, then fmtp where a format has
// one (telephone-event, Opus), a=crypto, ptime and the direction.
func (a *audio) mediaDescription() *sdp.MediaDescription {
	proto := "AVP"
	if a.savp {
		proto = "SAVP"
	}
	md := &sdp.MediaDescription{MediaName: sdp.MediaName{
		Media: "audio", Port: sdp.RangedPort{Value: a.port}, Protos: []string{"RTP", proto},
	}}
	for _, pt := range a.pts {
		p := strconv.Itoa(int(pt))
		md.MediaName.Formats = append(md.MediaName.Formats, p)
		md.Attributes = append(md.Attributes, sdp.NewAttribute("rtpmap", p+" "+a.maps[pt]))
	}
	for _, pt := range a.pts {
		if v, ok := a.fmtps[pt]; ok && v != "" {
			md.Attributes = append(md.Attributes, sdp.NewAttribute("fmtp", strconv.Itoa(int(pt))+" "+v))
		}
	}
	for _, c := range a.crypto {
		md.Attributes = append(md.Attributes, sdp.NewAttribute("crypto", c.value()))
	}
	md.Attributes = append(md.Attributes,
		sdp.NewAttribute("ptime", strconv.Itoa(int(a.ptime/time.Millisecond))),
		sdp.NewPropertyAttribute(attr(a.dir)))
	return md
}

// add appends a format to the stream, with its fmtp ("" for none).
func (a *audio) add(pt uint8, f format, fmtp string) {
	a.pts = append(a.pts, pt)
	a.maps[pt] = rtpmapOf(f)
	if fmtp != "" {
		if a.fmtps == nil {
			a.fmtps = map[uint8]string{}
		}
		a.fmtps[pt] = fmtp
	}
}

// dtmfFMTP is our telephone-event fmtp: the 16 DTMF events (RFC 4733).
const dtmfFMTP = "0-16"

// rejected is the answer to a stream we do not take: the offer's m= line
// with port 0 and its first format (RFC 3264 section 6).
func rejected(m mLine) *sdp.MediaDescription {
	f := "0"
	if len(m.formats) > 0 {
		f = m.formats[0]
	}
	return &sdp.MediaDescription{MediaName: sdp.MediaName{
		Media: m.media, Port: sdp.RangedPort{Value: 0}, Protos: []string{m.proto}, Formats: []string{f},
	}}
}
