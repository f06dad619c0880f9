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
// As answerer, Session.Answer takes the first audio RTP/AVP stream (or
// RTP/SAVP stream, see SRTP below) of the offer that has a codec in common
// with Local.Codecs (our preference order
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
// SRTP (RFC 3711) keyed with SDES (RFC 4568) follows Local.Crypto:
//
//   - CryptoOff (the zero value): plain RTP as before. Offers carry no
//     a=crypto; a=crypto in offers and answers is ignored; an RTP/SAVP
//     stream is not one we take (alone in an offer: ErrNoCommonCodec, 488).
//   - CryptoOptional: offers are "m=audio PORT RTP/AVP ..." with two lines,
//     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<key>" and
//     "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:<key>", each key 30 fresh
//     bytes (16-byte master key, 14-byte salt) from crypto/rand in base64
//     (40 characters). SRTP when the peer takes it, plain RTP when it
//     answers (or offers, on RTP/AVP) without a=crypto.
//   - CryptoRequired: the same offer on RTP/SAVP; a call without SRTP is
//     refused (Answer: ErrNotAcceptable, 488; Accept: ErrNotAcceptable,
//     end the call).
//
// Answering, the first a=crypto line of the chosen stream (in the offer's
// order) with a supported suite and a well-formed inline key (base64 of 30
// bytes; a "|2^N" or "|N" lifetime is accepted and ignored) is taken; lines
// with an MKI ("|1:4"), several keys, another key method, session
// parameters (UNENCRYPTED_SRTP, KDR=...) or other suites (AES_256, AEAD,
// F8) are skipped. The answer repeats the line's tag and suite with our own
// key, on the offer's transport (RTP/AVP or RTP/SAVP). An RTP/SAVP stream
// without a usable line is passed over (another stream may do), and with
// no stream left Answer fails with ErrNotAcceptable. Accepting, the
// answer's a=crypto must name a tag we offered with that tag's suite and a
// usable key, else ErrNotAcceptable.
//
// The agreed keys are media.Params.SRTP (Suite, LocalKey: ours, RemoteKey:
// the peer's); nil is plain RTP. Re-INVITEs keep the keys consistent: our
// re-offers repeat the keys of earlier offers and the key in force, so an
// unchanged re-offer has the same body and o= version; when the peer
// answers or re-offers with its key unchanged, ours stays; when it re-offers
// a new key, we answer with a new one too. A key of ours that was in force
// and is given up (another suite, plain RTP) is never offered again, as a
// new crypto context under an old key would repeat key stream. media's
// rtpsess keeps a direction's SRTP context while its key stays.
//
// Errors: ErrBadSDP means the body could not be understood (answer a SIP
// request with 400), ErrNoCommonCodec that no audio stream could be agreed
// (488 Not Acceptable Here), ErrNotAcceptable that SRTP could not be
// agreed (488; see above) or that the stream's c= address is multicast (224.0.0.0/4, ff00::/8), broadcast or in 0.0.0.0/8 (also
// 488; c=0.0.0.0 and c=:: alone are hold and accepted), ErrBadLocal a
// programming or configuration error on our side. An audio stream with port
// 0 is a refused stream: with no other, ErrNoCommonCodec.
package sdp
