// Package sdp does SKOIP's SDP offer/answer (RFC 3264) for one audio stream.
//
// SDP bodies (RFC 8866, formerly RFC 4566) are parsed and written with
// github.com/pion/sdp/v3. Offers from real phones are first normalised
// leniently (LF line ends, trailing blanks, lines out of order, a missing
// s= or t=, unknown line types, m= lines for media or transports that pion
// does not know) so that what pion rejects is truly malformed. Lines of an
// unknown type are dropped rather than failing the whole body as RFC 8866
// section 5 allows: a door intercom should talk to whatever calls it.
//
// A Session lives as long as a call (a SIP dialog). It keeps the o= line's
// session id and version: the version increases by one each time the SDP we
// send differs from the previous one, and stays the same otherwise.
//
// As answerer, Session.Answer takes the first audio RTP/AVP stream of the
// offer that has a codec in common with Local.Codecs (our preference order
// decides), keeps the offer's m= line order and rejects every other stream
// with port 0. Only one codec is answered, plus telephone-event (RFC 4733)
// and comfort noise (RFC 3389) when they were offered. Dynamic payload types
// chosen by the offerer are answered unchanged.
//
// As offerer, Session.Offer writes our codecs with static payload types 0
// (PCMU) and 8 (PCMA) and dynamic ones for L16/8000 (96) and
// telephone-event/8000 (101); Session.Accept reads the answer.
//
// Directions follow RFC 3264 section 6.1: an offer that is sendonly (or
// that carries the old c=0.0.0.0 hold address) is answered recvonly, an
// inactive offer inactive, and what we want (Local.Direction) narrows the
// result further. The negotiated media.Params.Direction is always ours.
//
// Errors: ErrBadSDP means the body could not be understood (answer a SIP
// request with 400), ErrNoCommonCodec that no audio stream could be agreed
// (488 Not Acceptable Here), ErrNotAcceptable that the stream's c= address
// is multicast (224.0.0.0/4, ff00::/8), broadcast or in 0.0.0.0/8 (also
// 488; c=0.0.0.0 and c=:: alone are hold and accepted), ErrBadLocal a
// programming or configuration error on our side. An audio stream with port
// 0 is a refused stream: with no other, ErrNoCommonCodec.
package sdp
