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
