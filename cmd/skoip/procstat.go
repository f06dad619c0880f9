package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
)

// procStats are the process's resources, reported in status so that tests
// can see that calls leak nothing.
type procStats struct {
	Goroutines int   `json:"goroutines"`
	RSSBytes   int64 `json:"rss_bytes"`
	FDs        int   `json:"fds"`
}

func readProcStats() procStats {
	return procStats{Goroutines: runtime.NumGoroutine(), RSSBytes: rss(), FDs: openFDs()}
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
