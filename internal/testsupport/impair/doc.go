// Package impair is a UDP relay for tests that impairs what it forwards:
// fixed delay, uniform jitter, random loss, loss in bursts (a
// Gilbert-Elliott chain), reordering and duplication, all drawn from a
// seed, so a test needs neither netem nor root. It binds
// 127.0.0.1 only. It is test support: only tests import it (media's and
// cmd/skoip/e2e's); being under internal/, nothing outside this module can.
//
// A Relay sits between a client and a target: datagrams the client sends to
// Relay.ListenPort go to the target from Relay.OutPort, and the target's
// answers to OutPort go back to the client. Pair does the same for an
// RTP/RTCP port pair (even port, odd port + 1).
package impair
