// Package e2e holds the end-to-end tests of SKOIP: the real `skoip` binary,
// built once per test run, in network namespaces (or on loopback where
// namespaces cannot be made), driven with `skoip ctl`, talking to itself and
// to real SIP peers (baresip, linphonec, sipp), with file-backed audio whose
// recordings are checked by cross-correlation, and `make bench` (see
// bench_test.go) and `make bench-wideband` (wideband_bench_test.go), which
// compare SKOIP with baresip side by side.
//
// Tests that need network namespaces run as root (as CI does); elsewhere
// they fall back to loopback addresses and say so. Peer programs missing
// locally skip their tests (in CI, with CI set, they fail).
//
// Environment: SKOIP_BENCH=1 runs TestBench (`make bench`), SKOIP_BENCH_RUNS
// changes its number of runs (default 3), SKOIP_BENCH_WB=1 runs
// TestWidebandBench (`make bench-wideband`; SKOIP_BENCH_WB_CODECS and
// SKOIP_BENCH_WB_TALKERS narrow it), SKOIP_E2E_KEEP=DIR keeps the analysed
// recordings and captures there.
//
// Everything is in _test.go files: this package has no API.
package e2e
