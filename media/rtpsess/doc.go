// Package rtpsess is one call's RTP session (RFC 3550): an RTP/RTCP socket
// pair taken from a port range, a sender that fills RTP headers itself
// (random SSRC, sequence number and timestamp base), a receiver that accepts
// media only from the negotiated peer host and follows the peer's real source
// port (symmetric RTP), per-source reception statistics (appendix A.1 and
// A.8), and the RTCP side: SR or RR compounds with SDES CNAME on a randomised
// interval, RTT from LSR/DLSR, and BYE at close.
//
// It knows nothing of codecs or audio: the owner hands it payloads to send
// and receives parsed packets through a callback.
//
// On Linux the RTP datagrams are sent and received with raw system calls
// inside the socket's RawConn (udpio_linux.go): the net package's calls
// wake the Go runtime's sysmon thread on every packet, which tripled the
// process's context switches during a call.
package rtpsess
