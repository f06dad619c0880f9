package e2e

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/speechq"
)

// upperBand is how far a 16 kHz signal's 4-7 kHz band is under its
// 50-3400 Hz band, in dB: the upper band relative to the speech's level.
func upperBand(x []int16) float64 {
	f := make([]float64, len(x))
	for i, v := range x {
		f[i] = float64(v) / 32768
	}
	return speechq.BandEnergyDB(f, 16000, 4000, 7000) - speechq.BandEnergyDB(f, 16000, 50, 3400)
}

// toneSource writes wav's speech at 16 kHz with a steady 5 kHz tone at
// -30 dBFS beside it, and returns its path: a source whose 4-7 kHz band
// only a wideband path carries (the speech itself, recorded at 8 kHz,
// has nothing above 4 kHz).
func toneSource(t *testing.T, wav string) string {
	t.Helper()
	s := mustReadWAV(t, at16k(t, wav))
	amp := 32768 * math.Pow(10, -30.0/20)
	for i := range s {
		v := float64(s[i]) + amp*math.Sin(2*math.Pi*5000*float64(i)/16000)
		s[i] = int16(max(-32768, min(32767, math.Round(v))))
	}
	path := filepath.Join(t.TempDir(), "tone-"+filepath.Base(wav))
	if err := writeWAV(path, 16000, s); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCodecUpperBand: wideband actually delivered. A unit sends speech
// with a 5 kHz tone to another unit, both with 16 kHz devices and one
// codec. What the callee plays out keeps the source's 4-7 kHz band (to
// within 6 dB, relative to the speech band) with G.722 and Opus, and
// has it at least 25 dB lower with PCMU. The callee then opens the
// caller's door with the door code (RFC 4733 events at the codec's
// telephone-event clock: 48000 beside Opus).
func TestCodecUpperBand(t *testing.T) {
	t.Parallel()
	src := toneSource(t, testdata("door.wav"))
	want := upperBand(mustReadWAV(t, src))
	t.Logf("source: 4-7 kHz band %.1f dB under 50-3400 Hz", -want)
	for _, c := range []struct {
		codec string
		wide  bool
		te    string // the telephone-event of the answer
	}{{"G722", true, "telephone-event/8000"}, {"opus", true, "telephone-event/48000"}, {"PCMU", false, "telephone-event/8000"}} {
		t.Run(c.codec, func(t *testing.T) {
			t.Parallel()
			lab := newLab(t)
			over := withCodecs(settings{"audio.sample_rate": "16000"}, c.codec)
			door := startNode(t, "door", lab.door, src, over)
			inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), over)
			dial(t, door, inside)
			answerCall(t, door, inside)
			rate := 8000
			if c.wide {
				rate = 16000
			}
			checkCodecOf(t, door, c.codec, rate)
			checkCodecOf(t, inside, c.codec, rate)
			_, span := talk(t, door, inside, 4*time.Second)
			if answer := tracedSDP(t, inside, true, "SIP/2.0 200 "); !strings.Contains(answer, " "+c.te) {
				t.Errorf("the answer has no %s: %q", c.te, answer)
			}
			inside.mustCtl("open")
			door.waitFor("door opened", 5*time.Second, func(s status) bool { return s.DoorOpened == 1 })
			door.mustCtl("hangup")
			inside.waitState("idle", setupTimeout)
			stopNodes(t, door, inside)

			// talk's spans count samples at 8 kHz; the devices run at 16.
			rec := mustReadWAV(t, inside.play)
			rec = rec[2*span[0] : min(2*span[1], len(rec))]
			got := upperBand(rec)
			t.Logf("%s: played out 4-7 kHz band %.1f dB under 50-3400 Hz (source %.1f dB under)", c.codec, -got, -want)
			switch {
			case c.wide && math.Abs(got-want) > 6:
				t.Errorf("%s: the 4-7 kHz band is %+.1f dB from the source's, want within 6 dB", c.codec, got-want)
			case !c.wide && got > want-25:
				t.Errorf("%s: the 4-7 kHz band is only %.1f dB under the source's, want 25 dB or more", c.codec, want-got)
			}
		})
	}
}
