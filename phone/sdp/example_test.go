package sdp_test

import (
	"fmt"
	"net/netip"

	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone/sdp"
)

// An incoming INVITE's offer answered by the intercom, and the intercom's
// own offer accepted by the caller's answer.
func Example() {
	local := sdp.Local{
		Addr:   netip.MustParseAddr("192.168.1.10"),
		Port:   10000,
		Codecs: []string{sdp.PCMA, sdp.PCMU},
		DTMF:   true,
		// The offerer's order decides (RFC 3264): PCMU, its first. With
		// OwnOrder: true the answer would take PCMA, ours.
	}
	offer := []byte("v=0\r\n" +
		"o=- 1 1 IN IP4 192.168.1.20\r\n" +
		"s=-\r\n" +
		"c=IN IP4 192.168.1.20\r\n" +
		"t=0 0\r\n" +
		"m=audio 4000 RTP/AVP 0 8 101\r\n" +
		"a=rtpmap:101 telephone-event/8000\r\n" +
		"a=sendonly\r\n")
	call := sdp.NewSession("door")
	_, p, err := call.Answer(offer, local)
	if err != nil {
		fmt.Println(err) // errors.Is(err, sdp.ErrNoCommonCodec): reply 488
		return
	}
	fmt.Println(p.Codec, p.PayloadType, p.DTMFType, p.Remote, p.PTime, p.Direction == media.RecvOnly)
	// Output: PCMU 0 101 192.168.1.20:4000 20ms true
}
