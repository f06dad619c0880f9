package rtpsess

import "errors"

var (
	// ErrNoPortPair means no even/odd port pair in the range could be bound.
	ErrNoPortPair = errors.New("rtpsess: no free RTP/RTCP port pair in range")
	// ErrBadPortRange means the configured range is empty or invalid.
	ErrBadPortRange = errors.New("rtpsess: bad port range")
	// ErrClosed is returned by operations on a closed session.
	ErrClosed = errors.New("rtpsess: session closed")
	// ErrNoPeer means no peer address is set, so nothing can be sent.
	ErrNoPeer = errors.New("rtpsess: no peer address")
	// ErrPayloadTooLarge means a payload does not fit one datagram.
	ErrPayloadTooLarge = errors.New("rtpsess: payload too large")
	// ErrNotRTP means a datagram is not an RTP version 2 packet.
	ErrNotRTP = errors.New("rtpsess: not an RTP version 2 packet")

	// ErrBadSRTP means Peer.SRTP is unusable: an unknown suite or keys
	// that are not KeyLen bytes.
	ErrBadSRTP = errors.New("rtpsess: bad SRTP parameters")

	errTruncated = errors.New("rtpsess: datagram larger than the buffer")
	errBadDst    = errors.New("rtpsess: destination not of the socket's family")
)
