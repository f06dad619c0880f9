package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestWidebandBench is `make bench-wideband`: speech through two SKOIP
// units and through two baresip 1.0.0, with the same codec (G.722, Opus,
// and G.711 µ-law as the narrowband reference) and the same impairment of
// the RTP between them (wbConditions), for several espeak-ng talkers. Each
// listener's played-out audio is aligned with the talker's clean speech
// and scored: STOI, segmental SNR, log-spectral distance over 50-7000 Hz
// and the 3.4-7 kHz band against the source's. It prints the medians
// over the talkers side by side, the CPU time per 30 s call and SKOIP's
// mouth-to-ear delay per codec, and checks (wbCheck) that SKOIP does at
// least as well as baresip everywhere, that the wideband codecs keep the
// upper band, and that Opus with FEC beats G.711 at 5% loss.
//
// It runs only with SKOIP_BENCH_WB=1 and needs baresip, espeak-ng and sox.
// The calls run several at a time (go test -parallel; the Makefile's
// target runs 4): each is real time, about 15 s. SKOIP_BENCH_WB_CODECS
// (SKOIP's names, comma-separated) and SKOIP_BENCH_WB_TALKERS (1-4, 3 by
// default) make it smaller; codecs that this SKOIP does not accept are
// left out and said so.
func TestWidebandBench(t *testing.T) {
	if os.Getenv("SKOIP_BENCH_WB") != "1" {
		t.Skip("the wideband speech benchmark against baresip runs with `make bench-wideband` (SKOIP_BENCH_WB=1)")
	}
	needTool(t, "baresip", "baresip-core")
	needTool(t, "espeak-ng", "espeak-ng")
	needTool(t, "sox", "sox")
	codecs := wbCodecsToRun(t)
	if len(codecs) == 0 {
		t.Fatal("no codec to run")
	}
	n := 3
	if v, err := strconv.Atoi(os.Getenv("SKOIP_BENCH_WB_TALKERS")); err == nil && v > 0 {
		n = v
	}
	talkers := makeTalkers(t, n)
	res := &wbResults{calls: map[wbKey]wbCall{}}
	t.Run("calls", func(t *testing.T) {
		for ci, c := range codecs {
			for ki, cond := range wbConditions {
				for ti, tk := range talkers {
					for _, sys := range wbSystems {
						k := wbKey{ci, ki, ti, sys}
						t.Run(fmt.Sprintf("%s/%s/%s/%s", c.skoip, cond.name, tk.voice, sys), func(t *testing.T) {
							t.Parallel()
							run := wbSKOIP
							if sys == "baresip" {
								run = wbBaresip
							}
							res.add(k, run(t, c, cond.seeded(ki, ti), tk))
						})
					}
				}
			}
		}
	})
	scores := res.score(t, codecs, talkers)
	printWBTable(t, codecs, talkers, res, scores)
	wbCheck(t, codecs, scores)
}

// wbSystems are the two implementations compared.
var wbSystems = []string{"skoip", "baresip"}

// wbKey names one call: codec, condition and talker by index, and system.
type wbKey struct {
	codec, cond, talker int
	sys                 string
}

// wbResults collects the calls, which run in parallel subtests.
type wbResults struct {
	mu    sync.Mutex
	calls map[wbKey]wbCall
}

func (r *wbResults) add(k wbKey, c wbCall) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[k] = c
}

// score measures every call once all have run (so that the measuring
// does not take CPU from calls in progress), logging each; it keeps the
// aligned recordings in SKOIP_E2E_KEEP when that is set.
func (r *wbResults) score(t *testing.T, codecs []wbCodec, talkers []*wbTalker) map[wbKey]wbScore {
	t.Helper()
	keep := os.Getenv("SKOIP_E2E_KEEP")
	out := map[wbKey]wbScore{}
	for k, c := range r.calls {
		name := fmt.Sprintf("%s %s %s %s", codecs[k.codec].name, wbConditions[k.cond].name, talkers[k.talker].voice, k.sys)
		s, deg, err := scoreCall(talkers[k.talker].speech, c.played)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		lost := 100 * float64(c.relay.Lost) / float64(max(c.relay.Lost+c.relay.Forwarded, 1))
		t.Logf("%s: %v; relay lost %.1f%% of the RTP%s", name, s, lost, strings.TrimSuffix("; "+c.listener, "; "))
		out[k] = s
		if keep != "" {
			file := filepath.Join(keep, "wb-"+strings.NewReplacer(" ", "_", "%", "pc", "/", "-", "+", "-").Replace(name))
			if err := writeWAV(file+"-played.wav", wbRate, c.played); err != nil {
				t.Log(err)
			}
			if deg != nil {
				if err := writeWAV(file+"-aligned.wav", wbRate, ints(deg)); err != nil {
					t.Log(err)
				}
			}
		}
	}
	return out
}

func ints(f []float64) []int16 {
	s := make([]int16, len(f))
	for i, v := range f {
		s[i] = int16(max(-32768, min(32767, v*32768)))
	}
	return s
}
