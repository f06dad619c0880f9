package codec

import (
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// FFmpeg's G.722 (libavcodec, checked with Debian's 5.1) is the
// independent implementation G722 is bit-exact with. These two commands
// are the conversions proven exact: the encoder with its default
// trellis 0 (trellis search picks other codes on purpose), the decoder at
// its default 8 bits per codeword, whose 16 kHz s16le output needs no
// shift or scaling.
var (
	ffmpegG722EncodeArgs = []string{"-f", "s16le", "-ar", "16000", "-ac", "1", "-i", "in.raw",
		"-c:a", "g722", "-trellis", "0", "-f", "g722", "out.g722"}
	ffmpegG722DecodeArgs = []string{"-f", "g722", "-i", "in.g722",
		"-c:a", "pcm_s16le", "-f", "s16le", "-ar", "16000", "-ac", "1", "out.raw"}
)

var g722Seed = flag.Uint64("g722.seed", 0, "seed of TestG722AgainstFFmpeg's input (0: from the clock)")

func TestG722AgainstFFmpeg(t *testing.T) {
	seed := *g722Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("input seed %d (rerun with -g722.seed=%d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 0x722))
	pcm := g722RandomSignal(r, 3*g722Rate)

	// Encoder: ours, fed in chunks of random even size, against FFmpeg.
	want := ffmpegG722Encode(t, pcm)
	var got []byte
	c := NewG722(PayloadTypeG722)
	for rest := pcm; len(rest) > 0; {
		n := min(2*(1+r.IntN(400)), len(rest))
		got = c.Encode(got, rest[:n])
		rest = rest[n:]
	}
	if i := g722FirstDiff(got, want); i >= 0 {
		t.Errorf("encoder: %d bytes, FFmpeg %d; first difference at byte %d (sample %d)", len(got), len(want), i, 2*i)
	}

	// Decoder: FFmpeg's bitstream, and random bytes.
	garbage := make([]byte, 8000)
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	for name, payload := range map[string][]byte{"FFmpeg's bitstream": want, "random bytes": garbage} {
		ref := ffmpegG722Decode(t, payload)
		var dec []int16
		d := NewG722(PayloadTypeG722)
		for rest := payload; len(rest) > 0; {
			n := min(1+r.IntN(300), len(rest))
			dec = d.Decode(dec, rest[:n])
			rest = rest[n:]
		}
		if i := g722FirstDiff(dec, ref); i >= 0 {
			t.Errorf("decoder on %s: %d samples, FFmpeg %d; first difference at sample %d", name, len(dec), len(ref), i)
		}
	}
}

// g722RandomSignal strings together 125 ms pieces of random kinds: noise
// at random levels, tones, sweeps, silence and clipped squares.
func g722RandomSignal(r *rand.Rand, n int) []int16 {
	out := make([]int16, 0, n)
	for len(out) < n {
		m := g722Rate / 8
		var piece []int16
		switch r.IntN(5) {
		case 0:
			piece = g722WhiteNoise(m, 30000*r.Float64()*r.Float64(), r.Uint64())
		case 1:
			piece = g722Tone(m, 20+7900*r.Float64(), 32767*r.Float64())
		case 2:
			piece = g722Sweep(m, 50+1000*r.Float64(), 2000+5900*r.Float64(), 30000*r.Float64())
		case 3:
			piece = make([]int16, m)
		default:
			piece = g722Square(m, 50+2000*r.Float64())
		}
		out = append(out, piece...)
	}
	return out[:n]
}

// ffmpegG722Encode runs FFmpeg's G.722 encoder on pcm.
func ffmpegG722Encode(t *testing.T, pcm []int16) []byte {
	t.Helper()
	return g722RunFFmpeg(t, ffmpegG722EncodeArgs, "in.raw", g722S16Bytes(pcm), "out.g722")
}

// ffmpegG722Decode runs FFmpeg's G.722 decoder on payload.
func ffmpegG722Decode(t *testing.T, payload []byte) []int16 {
	t.Helper()
	return g722S16Samples(g722RunFFmpeg(t, ffmpegG722DecodeArgs, "in.g722", payload, "out.raw"))
}

// g722RunFFmpeg writes input to a temporary directory, runs ffmpeg with args
// there and returns the output file.
func g722RunFFmpeg(t *testing.T, args []string, in string, input []byte, out string) []byte {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("g722RunFFmpeg: %v: G.722 is checked against FFmpeg; install the Debian package ffmpeg (apt-get install ffmpeg)", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, in), input, 0o644); err != nil {
		t.Fatalf("g722RunFFmpeg: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), bin,
		append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, args...)...)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("g722RunFFmpeg %v: %v\n%s", args, err, msg)
	}
	b, err := os.ReadFile(filepath.Join(dir, out))
	if err != nil {
		t.Fatalf("g722RunFFmpeg: %v", err)
	}
	return b
}
