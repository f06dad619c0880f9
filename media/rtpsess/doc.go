// Package rtpsess is one call's RTP session (RFC 3550): an RTP/RTCP socket
// pair taken from a port range, a sender that fills RTP headers itself
// (random SSRC, sequence number and timestamp base), a receiver that accepts
// media only from the negotiated peer host and follows the peer's real source
// port (symmetric RTP: the first datagram after Start or Update may come from
// any port of that host; afterwards only that port or the negotiated address
// is taken, so another port on the host cannot steal the stream mid-call
// without a re-INVITE), per-source reception statistics (appendix A.1 and
// A.8), and the RTCP side: SR or RR compounds with SDES CNAME on a randomised
// interval, RTT from LSR/DLSR, and BYE at close.
//
// SRTP (RFC 3711): a Peer with SRTP keys (suite AES_CM_128_HMAC_SHA1_80 or
// _32, as SDES in package phone/sdp agreed; LocalKey and RemoteKey are the
// 30-byte master key + salt of each side) protects every RTP packet sent
// (SendRTP: AES-CM encryption and an 80- or 32-bit HMAC-SHA1 tag) and
// every RTCP compound (SRTCP: E flag, 31-bit index and an 80-bit tag for
// both suites, as RFC 3711 section 3.4 asks and pion's profiles do). On
// receipt the order is: RTP version check (else Invalid), then the
// peer-host check (else ForeignDropped), then authentication, replay check
// (windows of 128 packets for SRTP and SRTCP) and decryption; a datagram
// that fails is dropped and counted in Stats.SRTPDropped and never reaches
// symmetric-RTP latching, SSRC and sequence tracking, the RTP timeout or
// OnRTP. Plain RTP from a keyed peer fails too. The keys are pion/srtp
// contexts, one per direction and protocol, each with a preallocated
// output buffer: the per-frame send and receive paths allocate nothing
// (TestSRTPNoAllocs). Update (a re-INVITE) re-keys direction by direction:
// a new LocalKey (or suite) gives the sending side fresh contexts, a new
// RemoteKey the receiving side; a key that stays keeps its context
// (rollover counter, SRTCP index, replay window), as RFC 3711 binds a
// context to its master key. nil turns SRTP off. Packets the peer
// sent under the old keys and that arrive after the re-key are dropped.
//
// It knows nothing of codecs or audio: the owner hands it payloads to send
// and receives parsed packets through a callback.
//
// A session made with Config.Polled (what media uses on Linux) has no RTP
// receive goroutine: its socket is taken out of the Go network poller and
// read by Poll, which the audio device's period calls, so that a call wakes
// the process once a period instead of once a packet as well (udpio_linux.go).
// Kernel receive timestamps keep the arrival times exact. The RTCP socket
// keeps its goroutine; its timer also polls, so RTP still counts against the
// timeout while nobody polls (an audio device being reopened).
package rtpsess
