package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/impair"
)

// wbCodec is a codec of the wideband benchmark as each system names it.
type wbCodec struct {
	name    string   // in the table
	skoip   string   // SKOIP's media.codecs entry
	baresip string   // baresip's audio_codecs entry (name/clock/channels it decodes)
	bsName  string   // its name in baresip's log
	bsRate  int      // its rate in baresip (the listener's devices run at it)
	wide    bool     // carries 50-7000 Hz
	skoipOn settings // SKOIP's codec settings
	bsConf  string   // baresip's config lines for it
}

// wbCodecs: G.722 and Opus (with in-band FEC, planned for 5% loss, 32 kbit/s,
// complexity 5, no DTX, mono: the same settings on both systems), and
// G.711 µ-law as the narrowband reference. baresip with opus_stereo off
// registers Opus as opus/48000/1, the channels it decodes (its SDP says
// opus/48000/2 all the same).
var wbCodecs = []wbCodec{
	{name: "G.722", skoip: "G722", baresip: "G722/16000/1", bsName: "G722", bsRate: 16000, wide: true},
	{name: "Opus", skoip: "opus", baresip: "opus/48000/1", bsName: "opus", bsRate: 48000, wide: true,
		skoipOn: settings{"media.opus_bitrate": "32000", "media.opus_complexity": "5", "media.opus_fec": "true", "media.opus_dtx": "false"},
		bsConf: "opus_bitrate 32000\nopus_complexity 5\nopus_inbandfec yes\nopus_packet_loss 5\nopus_dtx no\n" +
			"opus_stereo no\nopus_sprop_stereo no\n"},
	{name: "PCMU", skoip: "PCMU", baresip: "PCMU/8000/1", bsName: "PCMU", bsRate: 8000},
}

// wbCondition is an impairment of the RTP between the two systems (both
// directions, through internal/testsupport/impair).
type wbCondition struct {
	name string
	imp  impair.Config
}

// wbConditions: no impairment; independent loss of 3, 5 and 10%; 0-40
// ms of delay drawn uniformly per packet (which reorders packets 20 ms
// apart); and 5% lost in bursts of 3 packets on average. Losses are drawn
// by the relay's per-direction Gilbert-Elliott chain (independent loss is
// the chain with P = 0), so that the packets of the talker's stream lost
// depend on the seed only, not on the listener's traffic.
var wbConditions = []wbCondition{
	{"clean", impair.Config{}},
	{"loss 3%", impair.Config{Burst: impair.GilbertElliott{LossGood: 0.03}}},
	{"loss 5%", impair.Config{Burst: impair.GilbertElliott{LossGood: 0.05}}},
	{"loss 10%", impair.Config{Burst: impair.GilbertElliott{LossGood: 0.10}}},
	{"jitter 0-40 ms", impair.Config{Delay: 20 * time.Millisecond, Jitter: 20 * time.Millisecond}},
	{"loss 5% bursts of 3", impair.Config{Burst: impair.BurstLoss(0.05, 3)}},
}

// seeded is the condition's impairment with a seed of talker ti: both
// systems get the same draws for the same talker.
func (c wbCondition) seeded(ci, ti int) impair.Config {
	cfg := c.imp
	cfg.Seed = uint64(1000*(ci+1) + ti)
	return cfg
}

// wbCodecsToRun are the codecs SKOIP_BENCH_WB_CODECS names (SKOIP's names,
// comma-separated; all by default) that this SKOIP accepts in its
// configuration: a codec `skoip check-config` refuses is left out and
// said so (the wideband codecs, until they are in).
func wbCodecsToRun(t *testing.T) []wbCodec {
	t.Helper()
	want := map[string]bool{}
	for _, s := range strings.Split(os.Getenv("SKOIP_BENCH_WB_CODECS"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[strings.ToUpper(s)] = true
		}
	}
	var run []wbCodec
	for _, c := range wbCodecs {
		if len(want) > 0 && !want[strings.ToUpper(c.skoip)] {
			continue
		}
		if err := skoipAccepts(t, c); err != nil {
			t.Logf("%s left out: this SKOIP refuses it: %v", c.name, err)
			continue
		}
		run = append(run, c)
	}
	return run
}

// skoipAccepts runs `skoip check-config` on a configuration with only c.
func skoipAccepts(t *testing.T, c wbCodec) error {
	t.Helper()
	s := settings{"media.codecs": `["` + c.skoip + `"]`, "audio.sample_rate": "16000"}
	for k, v := range c.skoipOn {
		s[k] = v
	}
	path := filepath.Join(t.TempDir(), "codec.toml")
	if err := os.WriteFile(path, []byte(s.toml()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(skoipBin, "check-config", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
