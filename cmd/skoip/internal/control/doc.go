// Package control is skoip's control socket: the server that `skoip run`
// serves and the client side of `skoip ctl`.
//
// The protocol is one line each way per connection, on a Unix socket:
// the client sends a command line of at most 4096 bytes ("press bell\n",
// words separated by spaces, the first one naming the command) and reads
// one line of JSON back, which is the command's result, {"ok":true} when
// it has none, or {"error":"..."} when it failed. The server reads the line
// within 5 s, gives a command 35 s, and writes the reply within 5 s.
//
// Rules:
//   - The server knows no command: its caller hands Listen the handlers.
//     A handler that acts on the intercom goes through the intercom's loop
//     (package intercom); none touches another goroutine's state.
//   - Bounded by construction: at most 16 connections are served at once;
//     one more is answered {"error":"busy: ..."} and closed. A failed
//     accept (EMFILE) is retried after 5 ms, doubling up to 1 s, and logged
//     at most once per 10 s.
//   - Every goroutine the server starts ends before Serve returns; Serve
//     removes the socket when ctx ends.
//   - The socket is 0660 in a folder made 0750: who may control the
//     intercom is decided by the file system.
package control
