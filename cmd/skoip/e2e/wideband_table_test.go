package e2e

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// wbRow is one codec and condition: the medians over the talkers of each
// system's scores.
type wbRow struct {
	skoip, baresip wbScore
	n              [2]int // calls scored per system
}

// wbRowOf gathers the row of codec ci and condition ki.
func wbRowOf(scores map[wbKey]wbScore, ci, ki, talkers int) wbRow {
	var r wbRow
	for i, sys := range wbSystems {
		var all []wbScore
		for ti := range talkers {
			if s, ok := scores[wbKey{ci, ki, ti, sys}]; ok {
				all = append(all, s)
			}
		}
		m := wbScore{
			STOI:     medianF(all, func(s wbScore) float64 { return s.STOI }),
			SegSNR:   medianF(all, func(s wbScore) float64 { return s.SegSNR }),
			LSD:      medianF(all, func(s wbScore) float64 { return s.LSD }),
			HighBand: medianF(all, func(s wbScore) float64 { return s.HighBand }),
			Band47:   medianF(all, func(s wbScore) float64 { return s.Band47 }),
		}
		if i == 0 {
			r.skoip = m
		} else {
			r.baresip = m
		}
		r.n[i] = len(all)
	}
	return r
}

// medianF is the median of get over xs (NaN for none).
func medianF[T any](xs []T, get func(T) float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = get(x)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// printWBTable prints the scores, CPU times and SKOIP's mouth-to-ear
// delay.
func printWBTable(t *testing.T, codecs []wbCodec, talkers []*wbTalker, res *wbResults, scores map[wbKey]wbScore) {
	var b strings.Builder
	voices := make([]string, len(talkers))
	for i, tk := range talkers {
		voices[i] = tk.voice
	}
	fmt.Fprintf(&b, "\nmedians over %d talkers (%s), SKOIP | baresip 1.0.0; listener's audio against the clean speech at 16 kHz\n",
		len(talkers), strings.Join(voices, ", "))
	fmt.Fprintf(&b, "| %-6s | %-19s | %-11s | %-13s | %-13s | %-13s | %-13s | %-13s |\n",
		"codec", "condition", "RTP lost %", "STOI", "segSNR dB", "LSD dB", "3.4-7 kHz dB", "4-7 kHz dB")
	fmt.Fprintf(&b, "| %-6s | %-19s | %-11s | %-13s | %-13s | %-13s | %-13s | %-13s |\n", "", "", wbPair, wbPair, wbPair, wbPair, wbPair, wbPair)
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|%s|%s|\n", dashes(8), dashes(21), dashes(13), dashes(15), dashes(15), dashes(15), dashes(15), dashes(15))
	for ci, c := range codecs {
		for ki, cond := range wbConditions {
			r := wbRowOf(scores, ci, ki, len(talkers))
			lost := [2]float64{}
			for i, sys := range wbSystems {
				var ls []float64
				for ti := range talkers {
					if call, ok := res.calls[wbKey{ci, ki, ti, sys}]; ok {
						ls = append(ls, 100*float64(call.relay.Lost)/float64(max(call.relay.Lost+call.relay.Forwarded, 1)))
					}
				}
				lost[i] = medianF(ls, func(v float64) float64 { return v })
			}
			note := ""
			if r.n[0] < len(talkers) || r.n[1] < len(talkers) {
				note = fmt.Sprintf(" (scored %d | %d)", r.n[0], r.n[1])
			}
			fmt.Fprintf(&b, "| %-6s | %-19s | %4.1f   %4.1f | %5.3f   %5.3f | %5.2f   %5.2f | %5.2f   %5.2f | %5.1f   %5.1f | %5.1f   %5.1f |%s\n",
				c.name, cond.name, lost[0], lost[1], r.skoip.STOI, r.baresip.STOI, r.skoip.SegSNR, r.baresip.SegSNR,
				r.skoip.LSD, r.baresip.LSD, r.skoip.HighBand, r.baresip.HighBand, r.skoip.Band47, r.baresip.Band47, note)
		}
	}
	fmt.Fprintf(&b, "\nCPU seconds per 30 s of call (median over the calls of each codec), talker | listener\n")
	fmt.Fprintf(&b, "| %-6s | %-13s | %-13s |\n", "codec", "SKOIP", "baresip")
	fmt.Fprintf(&b, "| %-6s | %-13s | %-13s |\n", "", "talk   listen", "talk   listen")
	fmt.Fprintf(&b, "|%s|%s|%s|\n", dashes(8), dashes(15), dashes(15))
	for ci, c := range codecs {
		var cpu [2][2]float64
		for i, sys := range wbSystems {
			var calls []wbCall
			for k, call := range res.calls {
				if k.codec == ci && k.sys == sys {
					calls = append(calls, call)
				}
			}
			cpu[i][0] = medianF(calls, func(c wbCall) float64 { return c.cpuTalker.Seconds() })
			cpu[i][1] = medianF(calls, func(c wbCall) float64 { return c.cpuListener.Seconds() })
		}
		fmt.Fprintf(&b, "| %-6s | %5.2f   %5.2f | %5.2f   %5.2f |\n", c.name, cpu[0][0], cpu[0][1], cpu[1][0], cpu[1][1])
	}
	fmt.Fprintf(&b, "\nSKOIP mouth-to-ear delay (talker's capture to listener's playback, file devices, ±1 period of 20 ms), median over talkers\n")
	for ci, c := range codecs {
		var parts []string
		for ki, cond := range wbConditions {
			if ki != 0 && cond.imp.Jitter == 0 {
				continue
			}
			var ds []time.Duration
			for ti := range talkers {
				k := wbKey{ci, ki, ti, "skoip"}
				call, ok := res.calls[k]
				s, scored := scores[k]
				if ok && scored && !call.speechStart.IsZero() {
					ds = append(ds, call.playZero.Add(wbDuration(s.Lag)).Sub(call.speechStart))
				}
			}
			parts = append(parts, fmt.Sprintf("%s %.0f ms", cond.name, medianF(ds, func(d time.Duration) float64 { return ms(d) })))
		}
		fmt.Fprintf(&b, "  %-6s %s\n", c.name, strings.Join(parts, ", "))
	}
	t.Log(b.String())
	fmt.Println(b.String())
}

// wbPair heads the columns that hold SKOIP's figure, then baresip's.
const wbPair = "SKOIP baresip"

func dashes(n int) string { return strings.Repeat("-", n) }
