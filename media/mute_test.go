package media

import (
	"context"
	"testing"

	"github.com/skoip/skoip/media/dsp"
)

func TestMuteSilencesMicNotPrompts(t *testing.T) {
	l := newLink(t, Config{}, Config{}, tone(400, 3000, 8000), nil, linkParams())
	l.step(20)
	l.engA.SetMute(true)
	l.step(20)
	res, pl := startPlay(t, context.Background(), l.engA, NewPrompt("bell", 8000, tone(1000, 6000, 1600)), ToRemote)
	must(t, playFor(t, res, pl, 20, func() { l.step(1) }))
	l.step(20)
	l.engA.SetMute(false)
	l.step(20)
	out := l.devB.Played()
	at := func(from, to int) []int16 { return out[from*80 : to*80] }
	if n := present(at(3, 20), 400, 2500); n != 17 {
		t.Fatalf("before mute: mic in %d of 17 blocks", n)
	}
	// muted from step 20 to 80; B plays a period after A captures
	if n := present(at(22, 80), 400, 30); n != 0 {
		t.Fatalf("muted: mic heard in %d blocks", n)
	}
	if n := present(at(40, 64), 1000, 4500); n != 20 {
		t.Fatalf("muted: prompt heard in %d blocks, want 20", n)
	}
	if p := peak(at(22, 40)); p > 8 {
		t.Fatalf("muted, no prompt: peak %v, want silence", p)
	}
	if n := present(at(82, 100), 400, 2500); n != 18 {
		t.Fatalf("unmuted: mic in %d of 18 blocks", n)
	}
}

func TestMuteWithVADSendsNoSpeech(t *testing.T) {
	p := linkParams()
	p.CNType = 13
	l := newLink(t, Config{VAD: vadOn}, Config{}, talkAndPause()[4000:8000], nil, p)
	l.step(30) // talking
	l.engA.SetMute(true)
	l.step(30)
	mark := len(l.atB)
	l.step(30)
	var audio, cnPkts int
	for _, w := range l.atB[mark:] {
		switch w.pt {
		case 0:
			audio++
		case 13:
			cnPkts++
			if w.payload[0] != 127 {
				t.Fatalf("muted: CN level %d, want 127 (silence)", w.payload[0])
			}
		}
	}
	if audio != 0 || cnPkts == 0 {
		t.Fatalf("muted with VAD: %d audio and %d CN packets, want only CN", audio, cnPkts)
	}
	l.engA.SetMute(false)
	l.step(10)
	if w := l.atB[len(l.atB)-1]; w.pt != 0 {
		t.Fatalf("unmuted: last packet has payload type %d, want audio", w.pt)
	}
	if lv := dsp.LevelDB(l.devB.Played()[len(l.devB.Played())-80:]); lv < -25 {
		t.Fatalf("unmuted: B hears %.1f dBov", lv)
	}
}
