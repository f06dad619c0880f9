package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// printBenchTable prints the medians of the runs per side and the
// SKOIP/baresip ratios.
func printBenchTable(t *testing.T, res map[string][]benchResult) {
	type row struct {
		name string
		get  func(benchResult) float64
		unit string
	}
	side := func(r benchResult, caller bool) benchSide {
		if caller {
			return r.Caller
		}
		return r.Callee
	}
	var rows []row
	for _, caller := range []bool{true, false} {
		who := "callee"
		if caller {
			who = "caller"
		}
		rows = append(rows,
			row{who + " CPU (s per 30 s call)", func(r benchResult) float64 { return side(r, caller).CPU.Seconds() }, "%.2f"},
			row{who + " RSS (MB)", func(r benchResult) float64 { return float64(side(r, caller).RSS) / (1 << 20) }, "%.1f"},
			row{who + " threads", func(r benchResult) float64 { return float64(side(r, caller).Threads) }, "%.0f"},
			row{who + " start to SIP listening (ms)", func(r benchResult) float64 { return ms(side(r, caller).ListenIn) }, "%.1f"},
		)
	}
	rows = append(rows,
		row{"INVITE -> 200 OK (ms)", func(r benchResult) float64 { return ms(r.InviteTo200) }, "%.1f"},
		row{"callee RTP in -> same audio out (ms)", func(r benchResult) float64 { return ms(r.EchoDelay) }, "%.1f"},
	)
	var b strings.Builder
	fmt.Fprintf(&b, "\nmedians of %d runs, 30 s G.711 calls on loopback\n", len(res["skoip"]))
	fmt.Fprintf(&b, "| %-38s | %9s | %9s | %13s |\n", "", "SKOIP", "baresip", "SKOIP/baresip")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|\n", strings.Repeat("-", 40), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 15))
	for _, r := range rows {
		s, bs := median(res["skoip"], r.get), median(res["baresip"], r.get)
		ratio := "-"
		if bs != 0 {
			ratio = fmt.Sprintf("%.2f", s/bs)
		}
		fmt.Fprintf(&b, "| %-38s | %9s | %9s | %13s |\n", r.name, fmt.Sprintf(r.unit, s), fmt.Sprintf(r.unit, bs), ratio)
	}
	for _, caller := range []bool{true, false} {
		who := "callee"
		if caller {
			who = "caller"
		}
		cpu := func(r benchResult) float64 { return side(r, caller).CPU.Seconds() }
		off, on := median(res["skoip"], cpu), median(res["skoip-dsp"], cpu)
		fmt.Fprintf(&b, "SKOIP %s CPU with echo cancellation, noise suppression, high-pass and AGC: %.2f s per 30 s call (%.2f without; +%.1f%% of a core)\n",
			who, on, off, 100*(on-off)/benchCall.Seconds())
	}
	for _, caller := range []bool{true, false} {
		who := "callee"
		if caller {
			who = "caller"
		}
		cpu := func(r benchResult) float64 { return side(r, caller).CPU.Seconds() }
		off, on := median(res["skoip"], cpu), median(res["skoip-srtp"], cpu)
		if off > 0 && on > 0 {
			fmt.Fprintf(&b, "SKOIP %s CPU over TLS with SRTP: %.2f s per 30 s call (%.2f plain; %+.1f%%)\n", who, on, off, 100*(on-off)/off)
		}
	}
	t.Log(b.String())
	fmt.Println(b.String())
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
