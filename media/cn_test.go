package media

import (
	"math"
	"testing"

	"github.com/skoip/skoip/media/cn"
	"github.com/skoip/skoip/media/dsp"
)

// vadOn is silence suppression as an intercom would run it, with a short
// hangover so that the test's silences are long by comparison.
var vadOn = VADConfig{Enabled: true, ThresholdDB: 9, MinLevelDB: -55, Hangover: 100e6}

// talkAndPause is 0.5 s of background noise at -60 dBov, 0.5 s of "speech"
// (a 400 Hz tone at -16 dBov), 1.5 s of the noise, 0.5 s of speech, 0.5 s
// of noise: a microphone at the door.
func talkAndPause() []int16 {
	g := cn.NewGenerator(3)
	g.SetLevel(60)
	var s []int16
	for _, part := range []int{4000, -4000, 12000, -4000, 4000} {
		if part < 0 {
			s = append(s, tone(400, 5000, -part)...)
			continue
		}
		n := make([]int16, part)
		g.Fill(n)
		s = append(s, n...)
	}
	return s
}

func TestComfortNoiseEndToEnd(t *testing.T) {
	p := linkParams()
	p.CNType = 13
	mic := talkAndPause()
	l := newLink(t, Config{VAD: vadOn}, Config{}, mic, nil, p)
	l.step(len(mic) / 80)

	// on the wire: audio, then CN packets through the pause, then audio
	// again whose first packet carries the marker
	var cnPkts, cnInPause int
	var prev wirePkt
	base := l.atB[0].ts // a CN packet for the first frame, media time 0
	for i, w := range l.atB {
		w.ts -= base
		switch w.pt {
		case 13:
			cnPkts++
			if len(w.payload) != 1 || math.Abs(float64(w.payload[0])-60) > 1.5 {
				t.Fatalf("CN payload % x, want one byte 0x3c (-60 dBov)", w.payload)
			}
			if prev.pt == 13 {
				// refreshed every 300 ms (2400 samples) of silence
				if d := w.ts - prev.ts; d != 2400 {
					t.Fatalf("CN packets %d samples apart, want 2400", d)
				}
			}
			if w.ts > 8000 && w.ts < 20000 {
				cnInPause++
			}
		case 0:
			if i > 0 && prev.pt == 13 && !w.marker {
				t.Fatalf("audio resumed at ts %d without the marker bit", w.ts)
			}
			if i > 0 && prev.pt == 0 && w.marker {
				t.Fatalf("marker inside a talkspurt at ts %d", w.ts)
			}
			if w.ts > 9600 && w.ts < 19200 {
				t.Fatalf("audio sent at ts %d, in the pause", w.ts)
			}
		}
		prev = w
	}
	// the pause: 1.5 s less 100 ms of hangover -> at 0, 300, ... 1200 ms
	if cnInPause != 5 {
		t.Fatalf("%d CN packets in the pause, want 5 (%d in all)", cnInPause, cnPkts)
	}
	if st := l.strA.Stats(); st.CNTx != uint64(cnPkts) || l.strB.Stats().CNRx != uint64(cnPkts) {
		t.Fatalf("CN counted: sent %d, received %d, on the wire %d", st.CNTx, l.strB.Stats().CNRx, cnPkts)
	}

	// at B's speaker the pause is noise near -60 dBov, not digital silence
	out := l.devB.Played()
	pause := out[11000:19000]
	lv := blocks(pause, func(b []int16) float64 { return dsp.LevelDB(b) })
	for i, v := range lv {
		if v < -66 || v > -54 {
			t.Fatalf("block %d of the pause at %.1f dBov, want comfort noise near -60", i, v)
		}
	}
	if a := toneAmp(out[20000:23000], 400); a < 4000 {
		t.Fatalf("speech after the pause at %.0f, want 5000", a)
	}
}

func TestNoComfortNoiseWithoutCN(t *testing.T) {
	mic := talkAndPause()
	l := newLink(t, Config{VAD: vadOn}, Config{}, mic, nil, linkParams())
	l.step(len(mic) / 80)
	for _, w := range l.atB {
		if w.pt != 0 {
			t.Fatalf("payload type %d sent without CN negotiated", w.pt)
		}
	}
	// the pause is silence once concealment has faded out
	if p := peak(l.devB.Played()[11000:19000]); p != 0 {
		t.Fatalf("pause peak %v, want digital silence", p)
	}
}

func TestComfortNoiseSender(t *testing.T) {
	var c cnSender
	quiet := -60.2
	steps := []struct {
		ts   uint32
		db   float64
		want []byte // nil: no packet
	}{
		{0, quiet, []byte{0x3c}},    // start of silence: -60 dBov
		{160, quiet, nil},           // within 300 ms, same level
		{2240, -61.9, nil},          // 1.7 dB quieter: not enough
		{2400, quiet, []byte{0x3c}}, // 300 ms: refresh
		{2560, -55.4, []byte{0x37}}, // 4.6 dB louder: at once, -55 dBov
		{2720, -100, []byte{0x7f}},  // digital silence -> -127 dBov
	}
	for _, s := range steps {
		got, ok := c.next(s.ts, s.db, 2400)
		if ok != (s.want != nil) || string(got) != string(s.want) {
			t.Fatalf("ts %d: % x %v, want % x", s.ts, got, ok, s.want)
		}
	}
	c.speech()
	if got, ok := c.next(3000, quiet, 2400); !ok || got[0] != 0x3c {
		t.Fatal("no CN packet at the start of the next silence")
	}
}
