package e2e

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"testing"
	"time"
)

// roomSettings puts a node in a simulated door box: its microphone hears
// its talker and the echo of its own speaker (as loud as what was played,
// 40 ms late, in a room of T60 300 ms), and the speaker, at speakerDB, is
// recorded. The microphone chain is the shipped one (high-pass, AGC with up
// to 24 dB of gain), so without echo cancellation the loop between two
// such units has far more than unity gain.
func roomSettings(talker string, echoCancel bool, speakerDB float64) settings {
	ec := "false"
	if echoCancel {
		ec = "true"
	}
	return settings{
		"audio.backend":           q("room"),
		"audio.capture":           "",
		"audio.room.talker":       q(talker),
		"audio.room.talker_loop":  "true",
		"audio.room.delay":        q("40ms"),
		"audio.room.t60":          q("300ms"),
		"audio.room.echo_gain_db": "0.0",
		"audio.agc":               "true",
		"audio.high_pass":         "true",
		"audio.echo_cancel":       ec,
		"audio.noise_suppress":    q("moderate"),
		"audio.playback_gain_db":  fmt.Sprintf("%.1f", speakerDB),
		"audio.capture_gain_db":   "0.0",
		"media.rtp_timeout":       q("10s"),
		"calls.max_duration":      q("10m"),
	}
}

// TestRoomsTalkWithoutHowling puts two whole intercoms in simulated rooms
// and lets them talk for a minute, both talkers at once and without pause:
// with the echo canceller neither howls (no second of either speaker is
// louder than howlDB, with the speakers at fullGainDB) and each hears the
// other's voice, not its own.
func TestRoomsTalkWithoutHowling(t *testing.T) {
	t.Parallel()
	door, inside, spans := roomCall(t, true, fullGainDB, 60*time.Second)
	for _, n := range []*node{door, inside} {
		st := mediaOf(t, n)
		t.Logf("%s: ERLE %.1f dB, echo delay %.1f ms, noise %.1f dBFS", n.name, st.Media.ERLEDB, st.Media.EchoDelayMS, st.Media.NoiseDBFS)
		if st.Media.EchoDelayMS < 20 || st.Media.EchoDelayMS > 120 {
			t.Errorf("%s: echo delay %.1f ms, want about the room's 40 ms plus the device's buffering", n.name, st.Media.EchoDelayMS)
		}
	}
	stopNodes(t, door, inside)
	for i, n := range []*node{door, inside} {
		loudest, hear, self := roomFigures(t, n, spans[i], n == inside)
		t.Logf("%s: loudest second %.1f dBFS; hears the far side at %.3f, its own voice at %.3f", n.name, loudest, hear, self)
		if loudest > howlDB(fullGainDB) {
			t.Errorf("%s: a second of its speaker at %.1f dBFS, above %.1f dBFS: howling", n.name, loudest, howlDB(fullGainDB))
		}
		if self >= 0.1 {
			t.Errorf("%s hears its own voice back: correlation %.3f with its own source, want < 0.1", n.name, self)
		}
		if hear < minHear {
			t.Errorf("%s does not hear the far side: correlation %.3f with its source, want >= %.2f", n.name, hear, minHear)
		}
	}
}

// minHear is the least median correlation of 5 s of a speaker with the far
// side's source: the far voice arrives through the far room's microphone,
// canceller, noise suppressor and AGC, over the far side's own talking.
const minHear = 0.5

// TestRoomsEchoWithoutCanceller is the control: the same two rooms with
// the canceller off, where each unit hears itself (or howls). It shows that
// TestRoomsTalkWithoutHowling measures the canceller, not the room. Its
// speakers are at 0 dB, where the loop does not yet saturate and the
// returning voice is clearest (correlation 0.22-0.26; at +6 dB it clips
// and reaches -7.5 dBFS).
func TestRoomsEchoWithoutCanceller(t *testing.T) {
	t.Parallel()
	door, inside, spans := roomCall(t, false, 0, 15*time.Second)
	stopNodes(t, door, inside)
	for i, n := range []*node{door, inside} {
		loudest, hear, self := roomFigures(t, n, spans[i], n == inside)
		t.Logf("%s without a canceller: loudest second %.1f dBFS; hears the far side at %.3f, its own voice at %.3f",
			n.name, loudest, hear, self)
		if loudest <= howlDB(0) && self < 0.1 {
			t.Errorf("%s: without a canceller the unit neither howls (%.1f dBFS) nor hears itself (%.3f): the room has no echo",
				n.name, loudest, self)
		}
	}
}

// roomFigures measures n's recorded speaker in span (n is the inside unit
// or the door unit): its loudest second (loudestSecond), and how much it
// holds of both talkers: the far one (the median over 5 s pieces, at any
// lag: the far unit's talker started on its own clock) and n's own, which
// started with n's sound device, as the recording did, so that its voice
// can only come back 0 to 1 s late, through the far room and both jitter
// buffers.
func roomFigures(t *testing.T, n *node, span [2]int, inside bool) (loudest, hear, self float64) {
	t.Helper()
	far, own := talkers(inside)
	rec, farSrc, ownSrc := mustReadWAV(t, n.play), mustReadWAV(t, far), mustReadWAV(t, own)
	span[1] = min(span[1], len(rec))
	if span[1]-span[0] < 5*8000 {
		t.Fatalf("%s: only %d samples recorded in the call", n.name, span[1]-span[0])
	}
	var pieces []float64
	for at := span[0]; at+5*8000 <= span[1]; at += 5 * 8000 {
		c, _ := voiceMatch(rec, [2]int{at, at + 5*8000}, farSrc, 0, len(farSrc))
		pieces = append(pieces, c)
	}
	slices.Sort(pieces)
	self, _ = voiceMatch(rec, span, ownSrc, 0, 8000)
	return loudestSecond(rec, span), pieces[len(pieces)/2], self
}

// talkers are the far side's and the own talker's WAV files of the door
// unit, or of the inside unit.
func talkers(inside bool) (far, own string) {
	if inside {
		return testdata("door.wav"), testdata("inside.wav")
	}
	return testdata("inside.wav"), testdata("door.wav")
}

// roomCall starts two room nodes, calls from the door, answers inside and
// talks for d; it returns the nodes, still in the call, and the spans of
// their recordings that hold it.
func roomCall(t *testing.T, echoCancel bool, speakerDB float64, d time.Duration) (door, inside *node, spans [2][2]int) {
	lab := newLab(t)
	door = startNode(t, "door", lab.door, "", roomSettings(testdata("door.wav"), echoCancel, speakerDB))
	inside = startNode(t, "inside", lab.inside, "", roomSettings(testdata("inside.wav"), echoCancel, speakerDB))
	dial(t, door, inside)
	answerCall(t, door, inside)
	spans[0], spans[1] = talk(t, door, inside, d)
	return door, inside, spans
}

// stopNodes stops the nodes, which completes their recordings.
func stopNodes(t *testing.T, nodes ...*node) {
	t.Helper()
	for _, n := range nodes {
		if err := n.stop(); err != nil {
			t.Errorf("%s: exit after SIGTERM: %v", n.name, err)
		}
	}
}

// fullGainDB is the speaker gain of the rooms that must not howl: with the
// shipped microphone chain, the most a unit gives the loop.
const fullGainDB = 6.0

// howlDB is the loudest one-second RMS level a speaker at gainDB may
// reach: speech arrives levelled by the far side's AGC at -20 dBFS and
// leaves the speaker gainDB louder; howling saturates.
func howlDB(gainDB float64) float64 { return -20 + gainDB + 8 }

// loudestSecond is the highest RMS level of a one-second window of rec in
// span, in dBFS.
func loudestSecond(rec []int16, span [2]int) float64 {
	loudest := -100.0
	for at := span[0]; at+8000 <= min(span[1], len(rec)); at += 8000 {
		var sum float64
		for _, v := range rec[at : at+8000] {
			sum += float64(v) * float64(v)
		}
		if db := 10 * math.Log10(sum/8000/(32768*32768)+1e-12); db > loudest {
			loudest = db
		}
	}
	return loudest
}

// voiceMatch is how much of the looped source src the recording rec holds
// in span: the highest normalised correlation of rec[i] with
// src[(i-lag) mod len(src)] over the lags in [lo, hi), and that lag. Over
// seconds of speech, chance stays near 0.02; a copy of src scores 1.
func voiceMatch(rec []int16, span [2]int, src []int16, lo, hi int) (best float64, lag int) {
	n := len(src)
	fold, count := make([]float64, n), make([]float64, n)
	var energy float64
	for i := span[0]; i < min(span[1], len(rec)); i++ {
		v := float64(rec[i])
		fold[i%n] += v
		count[i%n]++
		energy += v * v
	}
	sq := make([]float64, n)
	for i, v := range src {
		sq[i] = float64(v) * float64(v)
	}
	num, den := circularXcorr(fold, int16s(src)), circularXcorr(count, sq)
	for k := lo; k < min(hi, n); k++ {
		if den[k] <= 0 || energy <= 0 {
			continue
		}
		if c := num[k] / math.Sqrt(energy*den[k]); c > best {
			best, lag = c, k
		}
	}
	return best, lag
}

// circularXcorr returns c[k] = sum_j a[j] * b[(j-k) mod n] for k in [0, n),
// with n = len(a) = len(b).
func circularXcorr(a, b []float64) []float64 {
	n := len(a)
	size := 1
	for size < 3*n {
		size <<= 1
	}
	fa, fb := make([]complex128, size), make([]complex128, size)
	for j, v := range a {
		fa[j] = complex(v, 0)
	}
	for m := range 2 * n { // b repeated: b'[m] = b[m mod n]
		fb[m] = complex(b[m%n], 0)
	}
	fft(fa, false)
	fft(fb, false)
	for i := range fa {
		fa[i] = cmplx.Conj(fa[i]) * fb[i]
	}
	fft(fa, true)
	// g(m) = sum_j a[j] b'[j+m]; c[k] = g(n-k) (and g(n) for k = 0).
	c := make([]float64, n)
	for k := range n {
		c[k] = real(fa[n-k]) / float64(size)
	}
	return c
}

func int16s(s []int16) []float64 {
	f := make([]float64, len(s))
	for i, v := range s {
		f[i] = float64(v)
	}
	return f
}
