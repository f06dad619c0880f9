package e2e

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The targets of the static build (CGO_ENABLED=0), which TestBench asserts
// on the medians of its runs, caller and callee each.
const (
	// staticRSSOfBaresip: the static build's RSS is at most this many
	// times baresip's.
	staticRSSOfBaresip = 1.0
	// staticCPUSlack: its CPU is the cgo build's or less, give or take
	// this: the bench reads CPU in 10 ms ticks, and where the two ends'
	// audio periods fall moves a plain 30 s call by about 0.05 s from one
	// run to the next.
	staticCPUSlack = 50 * time.Millisecond
)

// binSizes are the sizes in bytes of the two skoip binaries of the bench.
type binSizes struct{ CGO, Static int64 }

// buildStatic builds skoip with CGO_ENABLED=0, as TestMain builds skoipBin
// otherwise, and checks that it is static: no ELF interpreter, so no libc
// (and no malgo, speexdsp or libopus, which need cgo).
func buildStatic(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "skoip-static")
	if err := buildSkoip(bin, "CGO_ENABLED=0"); err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("%s has an ELF interpreter: not a static build", bin)
		}
	}
	return bin
}

func binarySizes(t *testing.T, cgo, static string) binSizes {
	t.Helper()
	var s binSizes
	for _, x := range []struct {
		path string
		size *int64
	}{{cgo, &s.CGO}, {static, &s.Static}} {
		fi, err := os.Stat(x.path)
		if err != nil {
			t.Fatal(err)
		}
		*x.size = fi.Size()
	}
	return s
}

// sameConfig fails the bench when a node left part of its config out for
// want of cgo (Opus in media.codecs, the echo canceller or the noise
// suppressor, which it then says in its log): the static build must run
// the cgo build's plain call, G.711 without microphone processing.
func sameConfig(t *testing.T, nodes ...*node) {
	t.Helper()
	for _, n := range nodes {
		for _, line := range strings.Split(n.log.String(), "\n") {
			if strings.Contains(line, "not in this build") {
				t.Fatalf("%s ran without part of its config: %s", n.name, line)
			}
		}
	}
}

// checkStaticTargets asserts the static build's targets on the medians:
// RSS at most baresip's, CPU no more than the cgo build's.
func checkStaticTargets(t *testing.T, res map[string][]benchResult) {
	t.Helper()
	for _, caller := range []bool{true, false} {
		who := sideName(caller)
		rss := func(r benchResult) float64 { return float64(r.side(caller).RSS) / (1 << 20) }
		st, bs := median(res["skoip-static"], rss), median(res["baresip"], rss)
		if st > staticRSSOfBaresip*bs {
			t.Errorf("static build, %s: RSS %.1f MB, %.2fx baresip's %.1f MB; the target is at most %.1fx (medians of %d runs)",
				who, st, st/bs, bs, staticRSSOfBaresip, len(res["skoip-static"]))
		}
		cpu := sideCPU(caller)
		sc, cc := median(res["skoip-static"], cpu), median(res["skoip"], cpu)
		if sc > cc+staticCPUSlack.Seconds() {
			t.Errorf("static build, %s: CPU %.2f s per 30 s call against the cgo build's %.2f s; the target is the same or less (%v of slack; medians of %d runs)",
				who, sc, cc, staticCPUSlack, len(res["skoip-static"]))
		}
	}
}
