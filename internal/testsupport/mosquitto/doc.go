// Package mosquitto runs Debian's mosquitto broker (/usr/sbin/mosquitto,
// 2.0) for tests, and records what a client receives from it. It is test
// support: only tests import it; being under internal/, nothing outside
// this module can.
//
// Start writes a configuration into t.TempDir():
//
//	listener PORT 127.0.0.1
//	allow_anonymous true
//	persistence false
//
// on a free loopback port, and with WithTLS a second listener on another
// port that speaks TLS 1.2+ with a server certificate (ECDSA P-256, SAN
// IP 127.0.0.1, valid for 24 h) signed by a CA generated for the test;
// CAFile is that CA's PEM. Start returns once the broker accepts TCP
// connections (within 10 s, else t.Fatal). Stop ends the broker (SIGTERM,
// then SIGKILL after 5 s); Restart starts it again on the same ports.
// t.Cleanup stops it. The broker's log is in its folder (mosquitto.log)
// and is printed when the test failed.
//
// WriteOtherCA writes a CA that signed nothing, for a client that must
// refuse the broker.
//
// A Recorder is a paho client subscribed to a topic filter that keeps
// every message it receives (topic, payload, retain flag, receipt time),
// at most 100000 of them; Connect and Publish are a plain client for a
// test's own messages.
//
// A Proxy forwards loopback TCP connections to the broker and cuts them
// all with a reset on demand: a network failure without an MQTT
// DISCONNECT, after which the broker sends the client's last will.
package mosquitto
