package media

import (
	"context"
	"math"
	"testing"
	"time"
)

// echoLink is a link whose A side sits in a box where its microphone hears
// its own speaker: half as loud (-6 dB), delay samples late.
type echoLink struct {
	*link
	delay int
}

// step runs n periods: A's capture is the echo of what A played.
func (l *echoLink) step(n int) {
	l.t.Helper()
	for range n {
		played := l.devA.Played()
		in := make([]int16, 80)
		for i := range in {
			if at := len(played) + i - l.delay; at >= 0 {
				in[i] = played[at] / 2
			}
		}
		sent := l.strA.sess.Stats().RTPTx
		if _, err := l.devA.Tick(in); err != nil {
			l.t.Fatal(err)
		}
		l.await(l.strB, l.rxB, l.strA.sess.Stats().RTPTx-sent)
		sent = l.strB.sess.Stats().RTPTx
		l.devB.Step()
		l.await(l.strA, l.rxA, l.strB.sess.Stats().RTPTx-sent)
	}
}

// TestEngineCancelsItsSpeakersEcho: A plays speech on its speaker (a
// prompt, ToLocal) and hears it back 40 ms later at -6 dB. With the echo
// canceller the far side B hears the echo at least 25 dB below what A's
// microphone picked up, once the canceller has had 2 s; A's Stats show the
// ERLE and the 40 ms delay. Without it, B hears the echo as loud as A's
// microphone did.
func TestEngineCancelsItsSpeakersEcho(t *testing.T) {
	speech := chainAtLevel(chainTalker(t, "door.wav"), -20)[:5*codecRate]
	for _, c := range []struct {
		name   string
		cfg    Config
		atMost float64 // dB of B's level relative to A's echo
	}{
		{"canceller on", Config{EchoCancel: true, NoiseSuppress: 15}, -25},
		{"canceller off", Config{}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := &echoLink{link: newLink(t, c.cfg, Config{}, nil, nil, linkParams()), delay: 40 * codecRate / 1000}
			l.step(5)
			res, _ := startPlay(t, context.Background(), l.engA, NewPrompt("speech", codecRate, speech), ToLocal)
			l.step(len(speech) / 80)
			select {
			case err := <-res:
				must(t, err)
			case <-time.After(5 * time.Second):
				t.Fatal("the prompt did not end")
			}
			from := 2*codecRate + 5*80 // after 2 s of speech
			echo := chainActiveDB(l.devA.Played()[from : 5*80+len(speech)])
			heard := chainActiveDB(l.devB.Played()[from:])
			st := l.strA.Stats()
			t.Logf("%s: echo at A's microphone %.1f dBFS, at B %.1f dBFS (%.1f dB); A's ERLE %.1f dB, echo delay %v",
				c.name, echo-6, heard, heard-(echo-6), st.ERLE, st.EchoDelay)
			if heard-(echo-6) > c.atMost {
				t.Errorf("%s: B hears A's echo %.1f dB from A's microphone level, want at most %.0f dB", c.name, heard-(echo-6), c.atMost)
			}
			if c.cfg.EchoCancel {
				if st.ERLE < 10 || math.Abs(st.EchoDelay.Seconds()-0.040) > 0.011 {
					t.Errorf("A's Stats: ERLE %.1f dB, echo delay %v; want >= 10 dB and 40 ms", st.ERLE, st.EchoDelay)
				}
			} else if st.ERLE != 0 || st.EchoDelay != 0 {
				t.Errorf("A's Stats without a canceller: ERLE %.1f dB, echo delay %v; want zeros", st.ERLE, st.EchoDelay)
			}
		})
	}
}

// TestEchoPathStartsOverAfterADeviceStall: periods 20 ms apart keep the
// canceller; a stall of more than gapReset (the device was lost and
// reopened) resets it; idle periods (nothing to play or send) skip it
// without a reset.
func TestEchoPathStartsOverAfterADeviceStall(t *testing.T) {
	ep, err := newEchoPath(Config{EchoCancel: true}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer ep.close()
	resets := func() uint64 { return ep.stats().Resets }
	at := time.Unix(1000, 0)
	frame := make([]int16, 160)
	period := func(busy bool, gap time.Duration) {
		at = at.Add(gap)
		ep.begin(busy, at)
		ep.capture(frame)
		ep.playback(frame)
	}
	period(true, 0)
	base := resets()
	for range 50 {
		period(true, 20*time.Millisecond)
	}
	for range 50 {
		period(false, 20*time.Millisecond)
	}
	if got := resets(); got != base {
		t.Fatalf("%d resets over steady and idle periods, want none", got-base)
	}
	period(true, gapReset+time.Millisecond)
	if got := resets(); got != base+1 {
		t.Errorf("%d resets after a stall of %v, want 1", got-base, gapReset+time.Millisecond)
	}
}
