package main

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
)

// procStats are the process's resources, reported in status so that tests
// can see that calls leak nothing.
type procStats struct {
	Goroutines int   `json:"goroutines"`
	RSSBytes   int64 `json:"rss_bytes"`
	FDs        int   `json:"fds"`
	// HeapBytes is the live Go heap at the last GC. SIP transactions keep
	// their messages for 32 s after a call (RFC 3261 timers), so it returns
	// to its baseline about that long after the last call.
	HeapBytes uint64 `json:"heap_bytes"`
}

func readProcStats() procStats {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	var heap uint64
	if s[0].Value.Kind() == metrics.KindUint64 {
		heap = s[0].Value.Uint64()
	}
	return procStats{Goroutines: runtime.NumGoroutine(), RSSBytes: rss(), FDs: openFDs(), HeapBytes: heap}
}

// rss reads the resident set size from /proc/self/statm (-1 if unknown).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return -1
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return -1
	}
	return pages * int64(os.Getpagesize())
}

// openFDs counts /proc/self/fd, less the descriptor that reads it (-1 if unknown).
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents) - 1
}
