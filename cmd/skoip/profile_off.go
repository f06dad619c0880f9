//go:build !skoip_pprof

package main

import "errors"

// startCPUProfile: the profiler (runtime/pprof and compress/gzip, about
// 150 KB of a binary that is mostly resident) is built only with
// -tags skoip_pprof.
func startCPUProfile(string) (func(), error) {
	return nil, errors.New("SKOIP_CPUPROFILE: this skoip was built without -tags skoip_pprof")
}
