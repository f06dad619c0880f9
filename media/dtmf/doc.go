// Package dtmf is RFC 4733 telephone-event: the 4-byte event payload, a
// sender that turns a key press into its packet sequence (start with marker,
// duration updates, three end packets with the final duration, all at the
// event's timestamp), and a receiver that reports each event once however
// many redundant packets carry it.
package dtmf
