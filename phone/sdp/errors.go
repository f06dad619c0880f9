package sdp

import "errors"

var (
	// ErrBadSDP means a remote SDP body is malformed or lacks what RTP
	// audio needs (an m= line, a usable c= address). SIP: 400 Bad Request.
	ErrBadSDP = errors.New("sdp: malformed SDP")

	// ErrNoCommonCodec means no audio stream of the remote SDP could be
	// agreed: no shared codec, only SRTP or non-RTP transports, or the
	// stream was rejected. SIP: 488 Not Acceptable Here.
	ErrNoCommonCodec = errors.New("sdp: no common codec")

	// ErrBadLocal means the Local description is unusable (no codec, an
	// unknown codec, no address, an invalid port).
	ErrBadLocal = errors.New("sdp: bad local description")

	// ErrNoOffer means Accept was called on a Session that has sent no
	// offer.
	ErrNoOffer = errors.New("sdp: no offer outstanding")
)
