package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// procInfo is a few fields of /proc/PID/status.
type procInfo struct {
	Threads          int
	RSSAnon, RSSFile int64 // bytes
}

func (p procInfo) String() string {
	return fmt.Sprintf("threads %d, anon RSS %.1f MB, file RSS %.1f MB", p.Threads, float64(p.RSSAnon)/(1<<20), float64(p.RSSFile)/(1<<20))
}

func readProcInfo(pid int) (procInfo, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procInfo{}, err
	}
	var p procInfo
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "Threads":
			p.Threads = int(n)
		case "RssAnon":
			p.RSSAnon = n << 10
		case "RssFile":
			p.RSSFile = n << 10
		}
	}
	return p, nil
}
