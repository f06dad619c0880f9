package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw/audio"
)

// withCodecs sets a unit's media.codecs (SKOIP's names, in its order of
// preference) over the defaults, which leave them to the shipped config.
func withCodecs(over settings, names ...string) settings {
	s := settings{}
	for k, v := range over {
		s[k] = v
	}
	list := make([]string, len(names))
	for i, n := range names {
		list[i] = q(n)
	}
	s["media.codecs"] = "[" + strings.Join(list, ", ") + "]"
	return s
}

// negotiated is the codec of a unit's call as `skoip ctl status` says it.
type negotiated struct {
	Codec string `json:"codec"`
	Rate  int    `json:"codec_rate_hz"`
}

// codecOf asks a connected unit for its call's codec and codec rate.
func codecOf(t *testing.T, n *node) negotiated {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	line, err := control.Request(ctx, n.sock, "status")
	if err != nil {
		t.Fatalf("%s: status: %v", n.name, err)
	}
	var got negotiated
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("%s: status %q: %v", n.name, line, err)
	}
	return got
}

// checkCodecOf checks that a connected unit's call runs codec at rate Hz.
func checkCodecOf(t *testing.T, n *node, codec string, rate int) {
	t.Helper()
	got := codecOf(t, n)
	t.Logf("%s: codec %s at %d Hz", n.name, got.Codec, got.Rate)
	if got.Codec != codec || got.Rate != rate {
		t.Errorf("%s: codec %q at %d Hz, want %q at %d Hz", n.name, got.Codec, got.Rate, codec, rate)
	}
}

// rewrite replaces old with new in the file at path; the test fails when
// old is not there (the file's maker changed under this test).
func rewrite(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// baresipCodecConf is baresipConf with baresip's g722 and opus modules
// loaded (before its accounts, which name their codecs), its account
// limited to list (baresip's audio_codecs, name/rate/channels:
// "opus/48000/2", "PCMU/8000/1,G722/16000/1") and its source, wav, at 16
// kHz mono: baresip's own resampler, which it would put between an 8 kHz
// file and G.722, takes the speech down to a correlation of about 0.88
// with itself, so the speech is brought to 16 kHz here (at16k) before
// baresip reads it.
func baresipCodecConf(t *testing.T, h host, port int, wav, list string) string {
	t.Helper()
	dir := baresipConf(t, h, port, at16k(t, wav))
	rewrite(t, filepath.Join(dir, "config"), "module g711.so\n",
		"module g711.so\nmodule g722.so\nmodule opus.so\nausrc_srate 16000\nausrc_channels 1\n")
	rewrite(t, filepath.Join(dir, "accounts"), "audio_codecs=PCMU,PCMA", "audio_codecs="+list)
	return dir
}

// at16k writes a copy of wav resampled to 16 kHz mono and returns its path.
func at16k(t *testing.T, wav string) string {
	t.Helper()
	s, err := audio.LoadCapture(wav, 16000)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "16k-"+filepath.Base(wav))
	if err := writeWAV(path, 16000, s); err != nil {
		t.Fatal(err)
	}
	return path
}

// heardAt8k is the one recording that matches the glob pattern (a path
// works too), of any rate and channel count (48 kHz stereo for baresip's
// Opus, 48 kHz mono for linphonec's), mixed down to mono and resampled to
// 8 kHz, the rate of the speech sources. A mono file is read by readWAV
// first, which takes the data to the end of the file: linphonec's header
// declares 44 bytes more than it wrote, which the resampling reader
// refuses.
func heardAt8k(t *testing.T, pattern string) []int16 {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	if len(files) != 1 {
		t.Fatalf("%d recordings match %s, want 1", len(files), pattern)
	}
	path := files[0]
	if rate, s, err := readWAV(path); err == nil {
		path = filepath.Join(t.TempDir(), "heard.wav")
		if err := writeWAV(path, rate, s); err != nil {
			t.Fatal(err)
		}
	}
	s, err := audio.LoadCapture(path, 8000)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// alignedSource writes the speech of the WAV src shifted by the fraction
// of a sample (-1/2 to 1/2 in steps of 1/8) that lines it up best with
// rec, and returns its path: the far source for checkHears and
// checkPeerHears after a path through resamplers (a 16 kHz codec between
// 8 kHz devices), whose delay is seldom a whole number of samples. Half a
// sample off, the best whole-sample match of a window of speech at 8 kHz
// falls to about 0.88, under the checkers' 0.9.
func alignedSource(t *testing.T, rec []int16, src string) string {
	t.Helper()
	rate, s, err := readWAV(src)
	if err != nil {
		t.Fatal(err)
	}
	m := correlate(rec, s, 1600, 3)
	if m.Windows == 0 {
		return src // nothing heard: the checker says so
	}
	counts := map[int]int{}
	lag := m.Lags[0]
	for _, l := range m.Lags {
		if counts[l]++; counts[l] > counts[lag] {
			lag = l
		}
	}
	best, bestCorr := 0.0, math.Inf(-1)
	for d := -0.5; d <= 0.5; d += 0.125 {
		h := fractionalTaps(d)
		var xy, yy float64
		for i := 0; i < len(rec); i += 4 { // a quarter of the samples tells as well, faster
			y := interpolate(s, i+lag, h)
			xy += float64(rec[i]) * y
			yy += y * y
		}
		if c := xy / math.Sqrt(yy+1); c > bestCorr {
			best, bestCorr = d, c
		}
	}
	h := fractionalTaps(best)
	out := make([]int16, len(s))
	for i := range out {
		out[i] = int16(max(-32768, min(32767, math.Round(interpolate(s, i, h)))))
	}
	t.Logf("%s lined up with the recording %+.3f samples off", filepath.Base(src), best)
	path := filepath.Join(t.TempDir(), "aligned-"+filepath.Base(src))
	if err := writeWAV(path, rate, out); err != nil {
		t.Fatal(err)
	}
	return path
}

// fractionalTaps is a windowed-sinc interpolator at d samples (|d| <= 1/2)
// over the 2*fracTaps+1 samples around one.
func fractionalTaps(d float64) []float64 {
	h := make([]float64, 2*fracTaps+1)
	for i := range h {
		x := float64(i-fracTaps) - d
		w := 0.5 + 0.5*math.Cos(math.Pi*x/(fracTaps+1))
		if x == 0 {
			h[i] = 1
		} else {
			h[i] = math.Sin(math.Pi*x) / (math.Pi * x) * w
		}
	}
	return h
}

const fracTaps = 24

// interpolate is the looped signal s at i+d, h being fractionalTaps(d).
func interpolate(s []int16, i int, h []float64) float64 {
	n := len(s)
	var y float64
	for k, c := range h {
		y += c * float64(s[((i+k-fracTaps)%n+n)%n])
	}
	return y
}

// checkHearsAligned is checkHears (with the clean link's quality) of a
// recording whose far source is first lined up with it (alignedSource).
func checkHearsAligned(t *testing.T, n *node, span [2]int, far, own string) {
	t.Helper()
	rec := mustReadWAV(t, n.play)
	lo, hi := min(span[0], len(rec)), min(span[1], len(rec))
	checkHears(t, n, span, alignedSource(t, rec[lo:max(lo, hi)], far), own, clean)
}

// checkPeerHearsAligned is checkPeerHears with the far source lined up
// with the peer's recording first (alignedSource).
func checkPeerHearsAligned(t *testing.T, who string, rec []int16, far, own string) {
	t.Helper()
	checkPeerHears(t, who, rec, alignedSource(t, rec, far), own)
}

// baresipCons loads baresip's cons module (a command line on UDP) at
// h.ip:port into the config in dir and returns a function that sends it a
// command ("/sndcode 1234") from a shell on h, inside h's namespace.
func baresipCons(t *testing.T, dir string, h host, port int) func(cmd string) {
	t.Helper()
	addr := fmt.Sprintf("%s:%d", h.ip, port)
	rewrite(t, filepath.Join(dir, "config"), "module menu.so\n", "module menu.so\nmodule cons.so\ncons_listen "+addr+"\n")
	return func(cmd string) {
		t.Helper()
		sh := fmt.Sprintf("printf '%%s\\n' %q > /dev/udp/%s/%d", cmd, h.ip, port)
		if out, err := h.command("bash", "-c", sh).CombinedOutput(); err != nil {
			t.Fatalf("baresip command %q: %v: %s", cmd, err, out)
		}
	}
}

// tracedSDP is the SDP of the last SIP message in n's SIP trace (its log
// at debug level) that n sent (or received, when !sent) whose first line
// begins with start ("INVITE ", "SIP/2.0 200 "), with LF line ends. The
// log comes through a pipe, behind the status: it waits up to 5 s for the
// message.
func tracedSDP(t *testing.T, n *node, sent bool, start string) string {
	t.Helper()
	dir := "| SIP Received ====="
	if sent {
		dir = "| SIP Sent ====="
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var last string
		for _, rec := range strings.Split(n.logText(), `msg="===== `)[1:] {
			head, msg, _ := strings.Cut(rec, "\n")
			if !strings.Contains(head, dir) {
				continue
			}
			if end := strings.Index(msg, "\ntime="); end >= 0 { // the next log record
				msg = msg[:end]
			}
			msg = strings.ReplaceAll(msg, "\r", "")
			if _, body, ok := strings.Cut(msg, "\n\nv=0\n"); ok && strings.HasPrefix(msg, start) {
				last = "v=0\n" + strings.TrimSpace(body)
			}
		}
		if last != "" {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %q with SDP in its SIP trace (sent %v)", n.name, start, sent)
		}
		time.Sleep(pollInterval)
	}
}

// waitLines waits up to 5 s until n's log has want lines that contain
// substr (the log comes through a pipe, behind the status) and returns
// how many it has then.
func waitLines(n *node, substr string, want int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := countLines(n.logText(), substr)
		if got >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(pollInterval)
	}
}

// mLine is the m= line of an SDP.
func mLine(sdp string) string {
	for _, l := range strings.Split(sdp, "\n") {
		if strings.HasPrefix(l, "m=") {
			return l
		}
	}
	return ""
}

// sdpCodecs are the encodings of an SDP's rtpmap lines ("opus/48000/2",
// "G722/8000"), telephone-event left out.
func sdpCodecs(sdp string) []string {
	var out []string
	for _, l := range strings.Split(sdp, "\n") {
		if rest, ok := strings.CutPrefix(l, "a=rtpmap:"); ok {
			if _, enc, ok := strings.Cut(rest, " "); ok && !strings.HasPrefix(enc, "telephone-event/") {
				out = append(out, enc)
			}
		}
	}
	return out
}

// shippedCodecs is media.codecs of the shipped config (config/skoip.toml):
// opus, G722, PCMU, PCMA.
var shippedCodecs = config.Default().Media.Codecs
