// Package phone is SKOIP's SIP user agent: one call at a time, placed to or
// taken from a peer by IP (or through a proxy by URI), on
// github.com/emiago/sipgo's transport and transaction layers. Dialogs, the
// call state machine, the semantic checks sipgo's parser leaves out and the
// SDP offer/answer (package phone/sdp) are ours. Audio is reached only
// through the Media and Stream interfaces declared here.
//
// # Call state machine
//
// All transitions go through one function (next, in fsm.go) and are logged
// at info level ("call state" with from, to, on, reason) and published as
// EventState:
//
//	idle      --dial-->     outgoing   Dial sent an INVITE
//	idle      --invite-->   incoming   an acceptable INVITE arrived; 100, 180 sent
//	outgoing  --answered--> connected  200 OK received, ACK sent, media started
//	incoming  --answered--> connected  Answer or auto-answer: media started, 200 OK sent
//	outgoing  --ended-->    idle       final 3xx-6xx, CANCEL (ctx, Hangup, RingTimeout),
//	                                   timeout, unreachable, unusable SDP answer
//	incoming  --ended-->    idle       Decline (603), CANCEL (487), RingTimeout (480),
//	                                   BYE in the early dialog, shutdown (480)
//	connected --ended-->    idle       BYE either way, no ACK within NoACKTimeout,
//	                                   neither ACK nor RTP within GhostTimeout,
//	                                   MaxDuration, RTP timeout, shutdown
//
// Any other pair is refused with ErrBadTransition. Requests that never make
// a call (403 outside Allow, 486 while busy, 400/415/420/488 for bad
// requests or offers) do not touch the machine: junk cannot hold the phone.
//
// # Requests and responses
//
// INVITE: 100 Trying, 180 Ringing, then 200 OK with the SDP answer, 603,
// 480 or 487. A re-INVITE in the dialog is answered 200 with a new answer
// and passed to Stream.Update (hold, resume, new address). BYE may overtake
// the ACK. The 200 OK is retransmitted on UDP until ACKed (T1 doubling to
// T2); without an ACK for NoACKTimeout (32 s) the call is hung up with
// BYE, and after GhostTimeout (2 s) when no RTP came either: a scanner or a
// caller that died after its INVITE holds the line 2 s, not 32. INFO
// application/dtmf-relay (and application/dtmf) become EventDTMF. OPTIONS
// is answered 200 with Allow, Accept and Supported; requests for no dialog
// get 481; SIP methods we do not take 405, unknown ones 501.
//
// # Registration (Config.Account)
//
// With an Account the phone REGISTERs to the registrar (one Call-ID, CSeq
// increasing), answers 401 (WWW-Authenticate) and 407 (Proxy-Authenticate)
// digest challenges (MD5, SHA-256 and their -sess variants, qop=auth or
// none; the strongest offered per realm), and takes the lifetime the
// registrar grants (the Contact's expires, else Expires). It refreshes at
// half the granted lifetime; a refresh that has no answer when the binding
// expires marks the phone unregistered. Failures are retried with
// exponential backoff and ±20 % jitter: 2 s doubling to 5 min after no
// answer, 5xx or 408 (Retry-After honoured); 1 min doubling to 30 min when
// the credentials are refused (a second challenge for a nonce we answered,
// not marked stale, or 403), so a wrong password costs the server two
// REGISTERs per backoff step. 423 is retried once with Min-Expires. Run's
// shutdown removes the binding (Expires: 0). Registered and Registration
// report the state; each change is logged and published as
// EventRegistration.
//
// # Several destinations at once (DialAll)
//
// DialAll calls N targets (a ring group) as N branches: each its own call
// (Call-ID, From tag, INVITE transaction, digest answers), all offering
// the same media stream. While they ring, the phone's call (Status) is one
// live branch and Status.Ringing lists the targets still called; the state
// machine sees one call: outgoing, then connected or idle. The first 2xx
// wins: its branch becomes the call and every other branch is cancelled
// with Reason: SIP;cause=200;text="Call completed elsewhere" (RFC 3326). A
// branch that gets no response at all (not even 100 Trying) within 3 s is
// unreachable and drops out. An INVITE given up before any response is not
// cancelled (RFC 3261 9.1): it ends 100 ms later, or gets its CANCEL if a
// provisional response comes in that time. A
// branch whose 2xx crosses that CANCEL, or arrives while another branch is
// being connected, gets ACK and BYE with the same Reason. Any 2xx of an
// established dialog's INVITE with another To tag (a proxy forked it and a
// second phone answered) gets ACK and BYE too. The call ends (idle, one
// EventEnded) when the winner's does, or when the last branch fails; each
// branch's start and end is an EventAttempt.
//
// # SIP over TLS and SRTP (Config.TLS, Config.Encryption)
//
// With Config.TLS the phone also listens on TLS 1.2+ (its own port); a
// target "sips:..." or ";transport=tls" (default port 5061), or any
// target when TLS.Default, is called over TLS, with Via and Contact on the
// TLS port. Every peer certificate goes through TLS.VerifyPeer (a pinned
// fingerprint or a CA): a server that fails it fails our dial at the
// handshake, a caller that shows a client certificate that fails it is
// refused at the handshake. Handshakes run beside the listener's Accept, at
// most 32 at once and 10 s each, so garbage or a stalled client holds
// nothing. A call is authenticated when it goes over TLS to a server we
// checked, or comes over TLS from a client certificate we trusted or from
// the registrar; it is secure when it is authenticated and its audio is
// SRTP, and its DTMF events say so (Event.Secure). SRTP keys (SDES, package
// sdp) are only offered or accepted in calls over TLS; with Encryption
// "required" a target or an INVITE that is not TLS is refused (ErrBadTarget,
// 488), as is SDP without usable crypto.
//
// # Routes of outgoing calls
//
// Without an Account every target is called directly. With one:
//
//   - a bare user name or number ("1002") means user@registrar;
//   - targets that are not IP literals, and the registrar's own host and
//     port, go to the registrar as outbound proxy (a Route header with lr),
//     From is our address-of-record, and challenges are answered with the
//     Account's credentials;
//   - other IP targets (ip, ip:port, sip:x@ip) go directly, answering
//     challenges with DirectAuth only (never with the Account's);
//   - while not registered, a target through the proxy is replaced by
//     Config.Fallback when set (the peer by IP), so the door still rings
//     somewhere when the PBX is down.
//
// A challenged INVITE is re-sent with CSeq + 1, the same Call-ID and From
// tag; Record-Route sets become the dialog's route set either way.
//
// # Who may ring
//
// With an Account, INVITEs from the registrar's resolved IP are taken (the
// proxy vouches for its callers). Direct callers must match Allow; with an
// Account an empty Allow admits no direct caller unless DirectAuth is set.
// With DirectAuth a direct caller must also authenticate (SHA-256 and MD5
// challenges, qop=auth, nonces valid 5 minutes): otherwise it
// gets 401 with a challenge and the phone does not ring.
// A nonce answers one request per nonce count: with qop=auth the nc must
// be greater than the last one accepted for that nonce; without qop the
// nonce is taken once. A replayed Authorization (the same bytes from
// another port, or under a new Call-ID) gets 401 with a fresh challenge
// and stale=true, and does not ring. Up to 1024 used nonces are kept
// (until they expire); when that table is full the oldest issued leave it,
// and every nonce issued up to the last one that left is refused. Only
// right credentials enter the table, so callers without the password
// cannot fill it. A wrong password and an unknown user get the same 401
// (a fresh challenge, no stale), compared in constant time.
//
// # Who may act in a call
//
// The Call-ID and tags of a call can be read by anyone on the LAN, so they
// prove nothing about the sender:
//
//   - a dialog matches only with both tags present and equal (an empty tag
//     never matches: before the 2xx of our INVITE the remote tag is not
//     known); an INVITE without From tag gets 400;
//   - BYE, INFO and re-INVITE must come from the dialog's peer: the host its
//     INVITE came from or ours went to, the host of its Contact when that is
//     an IP, or the registrar. Others get 403 and change nothing (their CSeq
//     is not recorded); their ACK is dropped; a CANCEL of the ringing call
//     from another host gets 403 from the gate, whatever Allow says (sipgo
//     would match it to the INVITE by branch before any handler ran);
//   - responses to our INVITE count only from the host we sent it to: a
//     forged 200 OK cannot connect the door's microphone elsewhere;
//   - DTMF (EventDTMF) is published only in a confirmed dialog: ours
//     answered, or theirs answered and its 2xx ACKed by the peer. INFO
//     digits in an early dialog get 403; an INFO that overtook the ACK
//     waits up to 2 s for it; RTP digits before the ACK are dropped;
//   - the media session takes RTP only from the negotiated host, and once
//     a port of it has sent, only from that port or the negotiated one
//     (package media/rtpsess): another port cannot take the stream
//     without a re-INVITE;
//   - SDP that points the audio at a multicast or broadcast address gets
//     488 (sdp.ErrNotAcceptable).
//
// # The front door (gate.go)
//
// Every UDP datagram is read by a gate before sipgo sees it. It parses the
// datagram once and answers by itself, from the same socket, back to the
// datagram's source address (never to an address named in the message),
// without a sipgo transaction (one lives 32 s, about 6.5 KB), whatever
// needs no state: 400 "Bad Request (<the problem>)" to a malformed request
// (control bytes, request line shape, header without colon or name, CSeq,
// Content-Length, Max-Forwards or Expires not numbers in range, unbalanced
// quotes, Request-URI without host or with bad %-escapes, Content-Length
// beyond the datagram) and the codes of our semantic checks (416, 420,
// 415, 406, 505); 501 to a method we do not know (methods are
// case-sensitive: "options" is one); 403 to a new INVITE from an address
// screen refuses (outside Allow; the registrar always passes); 486 to a
// new INVITE while a call exists; 200 to OPTIONS; 481 to BYE, INFO,
// CANCEL or re-INVITE of no current call; 405 to other SIP methods. A
// request whose top Via cannot be read, an ACK of nothing, a response to
// the current call from another host than its peer, and a response from an
// address the phone never sent to (one of the last 32; we ask for
// symmetric responses with rport) are dropped; a stranger's request in the
// current call that does not come from the dialog's peer gets 403.
//
// sipgo remembers every source address:port it reads until its read loop
// ends. The gate lets at most 4096 distinct addresses reach it; then new
// ones get 503 (but the current call's peer) until the phone is idle and
// nothing arrived for 200 ms: the gate then ends sipgo's UDP read loop,
// which forgets them all, and Run serves the socket again at once
// (gate_recycle.go).
// Stateless replies copy every Via, From, To (with a fixed tag of the
// phone), Call-ID and CSeq, carry Content-Length: 0, are never more than
// twice the request's size, and are limited to 50 a second (burst 100)
// per destination IP and 500 a second in all.
//
// What reaches sipgo (new INVITEs from admitted callers, requests and
// responses of the current call, ACKs and CANCELs of INVITEs sipgo holds,
// other responses) is limited to 20 a second (burst 40) per source IP and
// 50 a second (burst 100) from admitted addresses, 20 (burst 40) from the
// others, in all; past that a request gets 503 with Retry-After: 1. Each
// table of per-address buckets holds 256 addresses, the oldest evicted.
// Under 30,000 refused INVITEs at 3,000 a second the heap in use stays
// under 5 MB (it reached 124 MB before the gate) while a call from an
// allowed address connects. TCP messages are not gated one by one (sipgo
// frames the stream itself): at most 64 connections are open at once, 8
// per peer IP, and what they send is limited in bytes before sipgo parses
// it, 8 KiB a second (burst 32 KiB) per peer IP and 16 KiB a second (burst
// 64 KiB) in all, about 50 requests a second; a connection past that is
// closed (tcp_budget.go).
//
// # Tracing
//
// Every SIP message sent and received is logged at debug level, one
// record per message, in this form:
//
//	===== 192.168.5.143:5060 | SIP Sent =====
//	INVITE sip:192.168.5.143 SIP/2.0
//	...
package phone
