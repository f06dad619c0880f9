package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBench is `make bench`: SKOIP and baresip side by side on loopback,
// each pair making a 30 s G.711 call with the same speech, three runs each;
// it prints a table of medians. SKOIP runs four ways per run: with the
// microphone processing off, as compared with baresip (which runs none
// here), built as shipped (cgo) and built with CGO_ENABLED=0 (static: no
// libc, malgo, speexdsp or libopus); as shipped with the microphone chain
// on, for its CPU cost; and as shipped over TLS with SRTP. It fails when
// the static build misses its targets (checkStaticTargets). It runs only
// with SKOIP_BENCH=1 (it takes about 8 minutes and needs baresip and
// tshark); it is not part of make test.
func TestBench(t *testing.T) {
	if os.Getenv("SKOIP_BENCH") != "1" {
		t.Skip("the benchmark against baresip runs with `make bench` (SKOIP_BENCH=1)")
	}
	needTool(t, "baresip", "baresip-core")
	needTool(t, "tshark", "tshark")
	static := buildStatic(t)
	speech := longSpeech(t, 31*time.Second)
	variants := map[string]skoipVariant{
		"skoip":        {bin: skoipBin},
		"skoip-static": {bin: static},
		"skoip-dsp":    {bin: skoipBin, dsp: shippedDSP},
		"skoip-srtp":   {bin: skoipBin, secure: true},
	}
	results := map[string][]benchResult{}
	runs := benchRuns
	if n, err := strconv.Atoi(os.Getenv("SKOIP_BENCH_RUNS")); err == nil && n > 0 {
		runs = n
	}
	for run := range runs {
		for _, impl := range []string{"skoip", "baresip", "skoip-static", "skoip-dsp", "skoip-srtp"} {
			// A subtest per call: its processes and files go when it ends,
			// and their logs are dumped only when the call itself failed.
			ok := t.Run(fmt.Sprintf("run%d-%s", run+1, impl), func(t *testing.T) {
				var r benchResult
				if v, ok := variants[impl]; ok {
					r = benchSKOIP(t, speech, v)
				} else {
					r = benchBaresip(t, speech)
				}
				t.Logf("%+v", r)
				results[impl] = append(results[impl], r)
			})
			if !ok {
				t.FailNow()
			}
		}
	}
	printBenchTable(t, results, binarySizes(t, skoipBin, static))
	checkStaticTargets(t, results)
}

// shippedDSP is the microphone chain of the shipped configuration: echo
// cancellation, noise suppression, high-pass and AGC. Its callee cancels
// the loopback's echo, so only its CPU figures mean something.
var shippedDSP = settings{"audio.echo_cancel": "true", "audio.noise_suppress": q("moderate"),
	"audio.high_pass": "true", "audio.agc": "true"}

const (
	benchRuns = 3 // SKOIP_BENCH_RUNS overrides
	benchCall = 30 * time.Second
)

// benchSide is what is measured of one process.
type benchSide struct {
	CPU      time.Duration // user+system CPU time at the end of the call
	RSS      int64         // bytes, at the end of the call
	AnonRSS  int64         // the part of RSS that is the process's own (heap, stacks), not mapped files
	Threads  int
	ListenIn time.Duration // process start to its SIP port bound
}

// benchResult is one call between two processes of one implementation.
type benchResult struct {
	Caller, Callee benchSide
	InviteTo200    time.Duration // on the wire
	EchoDelay      time.Duration // RTP in at the callee to the same audio out
}

// longSpeech writes a WAV of door.wav repeated to at least d.
func longSpeech(t *testing.T, d time.Duration) string {
	t.Helper()
	rate, s, err := readWAV(testdata("door.wav"))
	if err != nil {
		t.Fatal(err)
	}
	var out []int16
	for len(out) < int(d.Seconds()*float64(rate)) {
		out = append(out, s...)
	}
	out = out[:int(d.Seconds()*float64(rate))]
	path := filepath.Join(t.TempDir(), "speech.wav")
	if err := writeWAV(path, rate, out); err != nil {
		t.Fatal(err)
	}
	return path
}

// freeUDPPort returns a port free on 127.0.0.1 in [from, to) (to == 0: any).
func freeUDPPort(t *testing.T, from, to, step int) int {
	t.Helper()
	if to == 0 {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	for p := from; p < to; p += step {
		if c, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(p)); err == nil {
			c.Close()
			if c2, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(p+1)); err == nil {
				c2.Close()
				return p
			}
		}
	}
	t.Fatalf("no free UDP port in %d-%d", from, to)
	return 0
}

// waitListening polls /proc/net/udp until port is bound and returns the
// time since start (1 ms resolution).
func waitListening(t *testing.T, start time.Time, port int) time.Duration {
	t.Helper()
	want := fmt.Sprintf(":%04X ", port)
	for time.Since(start) < 10*time.Second {
		b, _ := os.ReadFile("/proc/net/udp")
		if strings.Contains(string(b), want) {
			return time.Since(start)
		}
		time.Sleep(time.Millisecond) // polling another process's socket table
	}
	t.Fatalf("nothing listening on UDP port %d after 10 s", port)
	return 0
}

// sideStats reads CPU time, RSS and threads of pid.
func sideStats(t *testing.T, pid int) benchSide {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	p, err := readProcInfo(pid)
	if err != nil {
		t.Fatal(err)
	}
	const hz = 100 // USER_HZ on Linux
	return benchSide{CPU: time.Duration(utime+stime) * time.Second / hz, RSS: p.RSSAnon + p.RSSFile, AnonRSS: p.RSSAnon, Threads: p.Threads}
}

// startCapture runs tshark on lo until stopped; it returns once capturing.
func startCapture(t *testing.T) (*peer, string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "bench.pcapng")
	lo := host{}
	ts := startPeer(t, "tshark", lo.command("tshark", "-l", "-P", "-i", "lo", "-f", "udp", "-w", file), dir)
	ts.waitOutput("Capturing on", 20*time.Second)
	for range 100 {
		if out, err := lo.command("bash", "-c", "echo probe >/dev/udp/127.0.0.1/9").CombinedOutput(); err != nil {
			t.Fatalf("probe: %v %s", err, out)
		}
		if strings.Contains(ts.out.String(), "127.0.0.1") {
			return ts, file
		}
		time.Sleep(50 * time.Millisecond) // until the capture sees the probe
	}
	t.Fatal("tshark never saw the probe")
	return nil, ""
}
