package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchColumns are the table's implementations, as TestBench names them.
var benchColumns = []struct{ impl, title string }{
	{"skoip", "SKOIP cgo"}, {"skoip-static", "SKOIP static"}, {"baresip", "baresip"},
}

// benchRatios are the table's ratios of medians, a/b.
var benchRatios = []struct{ a, b, title string }{
	{"skoip", "baresip", "cgo/baresip"}, {"skoip-static", "baresip", "static/baresip"}, {"skoip-static", "skoip", "static/cgo"},
}

// benchRow is one line of the table: a figure of a call and its format.
type benchRow struct {
	name string
	get  func(benchResult) float64
	unit string
}

func benchRows() []benchRow {
	var rows []benchRow
	for _, caller := range []bool{true, false} {
		who := sideName(caller)
		rows = append(rows,
			benchRow{who + " CPU (s per 30 s call)", func(r benchResult) float64 { return r.side(caller).CPU.Seconds() }, "%.2f"},
			benchRow{who + " RSS (MB)", func(r benchResult) float64 { return float64(r.side(caller).RSS) / (1 << 20) }, "%.1f"},
			benchRow{who + " of which anonymous (MB)", func(r benchResult) float64 { return float64(r.side(caller).AnonRSS) / (1 << 20) }, "%.1f"},
			benchRow{who + " threads", func(r benchResult) float64 { return float64(r.side(caller).Threads) }, "%.0f"},
			benchRow{who + " start to SIP listening (ms)", func(r benchResult) float64 { return ms(r.side(caller).ListenIn) }, "%.1f"},
		)
	}
	return append(rows,
		benchRow{"INVITE -> 200 OK (ms)", func(r benchResult) float64 { return ms(r.InviteTo200) }, "%.1f"},
		benchRow{"callee RTP in -> same audio out (ms)", func(r benchResult) float64 { return ms(r.EchoDelay) }, "%.1f"},
	)
}

// printBenchTable prints the medians of the runs per side for the cgo and
// the static SKOIP and baresip, their ratios, the binaries' sizes and the
// CPU of SKOIP's other variants.
func printBenchTable(t *testing.T, res map[string][]benchResult, sizes binSizes) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nmedians of %d runs, 30 s G.711 calls on loopback\n", len(res["skoip"]))
	fmt.Fprintf(&b, "| %-38s |", "")
	for _, c := range benchColumns {
		fmt.Fprintf(&b, " %12s |", c.title)
	}
	for _, r := range benchRatios {
		fmt.Fprintf(&b, " %14s |", r.title)
	}
	fmt.Fprintf(&b, "\n|%s|%s%s\n", strings.Repeat("-", 40), strings.Repeat(strings.Repeat("-", 14)+"|", len(benchColumns)),
		strings.Repeat(strings.Repeat("-", 16)+"|", len(benchRatios)))
	for _, row := range benchRows() {
		fmt.Fprintf(&b, "| %-38s |", row.name)
		for _, c := range benchColumns {
			fmt.Fprintf(&b, " %12s |", fmt.Sprintf(row.unit, median(res[c.impl], row.get)))
		}
		for _, r := range benchRatios {
			fmt.Fprintf(&b, " %14s |", ratio(median(res[r.a], row.get), median(res[r.b], row.get)))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "binary (-trimpath -ldflags '-s -w'): cgo %.2f MB, static %.2f MB (static/cgo %s)\n",
		float64(sizes.CGO)/(1<<20), float64(sizes.Static)/(1<<20), ratio(float64(sizes.Static), float64(sizes.CGO)))
	variantCPU(&b, res)
	t.Log(b.String())
	fmt.Println(b.String())
}

// variantCPU adds the CPU of the cgo build with the microphone chain on
// and over TLS with SRTP, against the plain call.
func variantCPU(b *strings.Builder, res map[string][]benchResult) {
	for _, caller := range []bool{true, false} {
		who, cpu := sideName(caller), sideCPU(caller)
		off, on := median(res["skoip"], cpu), median(res["skoip-dsp"], cpu)
		fmt.Fprintf(b, "SKOIP %s CPU with echo cancellation, noise suppression, high-pass and AGC: %.2f s per 30 s call (%.2f without; +%.1f%% of a core)\n",
			who, on, off, 100*(on-off)/benchCall.Seconds())
	}
	for _, caller := range []bool{true, false} {
		who, cpu := sideName(caller), sideCPU(caller)
		off, on := median(res["skoip"], cpu), median(res["skoip-srtp"], cpu)
		if off > 0 && on > 0 {
			fmt.Fprintf(b, "SKOIP %s CPU over TLS with SRTP: %.2f s per 30 s call (%.2f plain; %+.1f%%)\n", who, on, off, 100*(on-off)/off)
		}
	}
}

func (r benchResult) side(caller bool) benchSide {
	if caller {
		return r.Caller
	}
	return r.Callee
}

func sideName(caller bool) string {
	if caller {
		return "caller"
	}
	return "callee"
}

// sideCPU reads a side's CPU time in seconds.
func sideCPU(caller bool) func(benchResult) float64 {
	return func(r benchResult) float64 { return r.side(caller).CPU.Seconds() }
}

// ratio is a/b with two decimals, "-" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(rs []benchResult, get func(benchResult) float64) float64 {
	var v []float64
	for _, r := range rs {
		v = append(v, get(r))
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}
