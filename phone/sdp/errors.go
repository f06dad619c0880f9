package sdp

import "errors"

var (
	// ErrBadSDP means a remote SDP body is malformed or lacks what RTP
	// audio needs (an m= line, a usable c= address). SIP: 400 Bad Request.
	ErrBadSDP = errors.New("sdp: malformed SDP")

	// ErrNoCommonCodec means no audio stream of the remote SDP could be
	// agreed: no shared codec, only SRTP (RTP/SAVP) under CryptoOff or
	// non-RTP transports (RTP/SAVPF, UDP/TLS/...), or the stream was
	// rejected. SIP: 488 Not Acceptable Here.
	ErrNoCommonCodec = errors.New("sdp: no common codec")

	// ErrNotAcceptable means the remote SDP is well formed but asks for
	// what a unicast phone must not do: a multicast (224.0.0.0/4,
	// ff00::/8) or broadcast c= address (c=IN IP4 0.0.0.0 is hold, not
	// this), or SRTP that cannot be agreed: an RTP/SAVP offer or any offer
	// under CryptoRequired without a usable a=crypto line, an answer
	// without a=crypto under CryptoRequired, or with a tag, suite or key
	// that does not match our offer. SIP: 488 Not Acceptable Here for an
	// offer; for an answer, end the call.
	ErrNotAcceptable = errors.New("sdp: not acceptable")

	// ErrBadLocal means the Local description is unusable (no codec, an
	// unknown codec, no address, an invalid port).
	ErrBadLocal = errors.New("sdp: bad local description")

	// ErrNoOffer means Accept was called on a Session that has sent no
	// offer.
	ErrNoOffer = errors.New("sdp: no offer outstanding")
)
