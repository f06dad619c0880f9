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
// T2); without an ACK for NoACKTimeout the call is hung up with BYE. INFO
// application/dtmf-relay (and application/dtmf) become EventDTMF. OPTIONS
// is answered 200 with Allow, Accept and Supported; requests for no dialog
// get 481; SIP methods we do not take 405, unknown ones 501.
//
// # Tracing
//
// Every SIP message sent and received is logged at debug level in the
// seed's format, one record per message:
//
//	===== 192.168.5.143:5060 | SIP Sent =====
//	INVITE sip:192.168.5.143 SIP/2.0
//	...
package phone
