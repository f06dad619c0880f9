// Package e2e holds the end-to-end tests of SKOIP: the real `skoip` binary,
// built once per test run, in network namespaces (or on loopback where
// namespaces cannot be made), driven with `skoip ctl`, talking to itself and
// to real SIP peers (baresip, linphonec, sipp), with file-backed audio whose
// recordings are checked by cross-correlation, and `make bench` (see
// bench_test.go), which compares SKOIP with baresip side by side.
//
// Everything is in _test.go files: this package has no API.
package e2e
