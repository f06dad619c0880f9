// Package systemd holds what SKOIP needs from systemd: the service unit
// (skoip.service), its sysusers.d, tmpfiles.d and udev files, and a small
// sd_notify client written here (no dependency).
//
// `skoip run` reports to the service manager through the datagram socket
// named by $NOTIFY_SOCKET (a path, or an abstract socket written with a
// leading '@'):
//
//	systemd.Ready()            // once SIP listens and audio is open
//	systemd.Status("idle")     // whenever the call state changes
//	systemd.Watchdog()         // from the main loop, every WatchdogInterval()/2
//	systemd.Stopping()         // when the root context is cancelled
//
// Outside systemd (no $NOTIFY_SOCKET) every call is a no-op that returns
// false and no error, so the same code runs in a shell and under tests.
package systemd
