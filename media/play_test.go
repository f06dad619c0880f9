package media

import (
	"context"
	"errors"
	"testing"
	"time"
)

// startPlay runs e.Play in a goroutine and returns once the prompt is
// queued: the channel yields Play's result, the playing is the engine's
// record of it.
func startPlay(t *testing.T, ctx context.Context, e *Engine, p *Prompt, to Target) (<-chan error, *playing) {
	t.Helper()
	added := make(chan struct{})
	e.promptAdded = func() { close(added) }
	res := make(chan error, 1)
	go func() { res <- e.Play(ctx, p, to) }()
	select {
	case <-added:
	case err := <-res:
		t.Fatalf("Play returned %v before queuing", err)
	case <-time.After(5 * time.Second):
		t.Fatal("Play did not queue its prompt")
	}
	e.promptAdded = nil
	e.mu.Lock()
	pl := e.prompts[len(e.prompts)-1]
	e.mu.Unlock()
	return res, pl
}

// playFor steps fn want periods: the prompt must not end before the last,
// and Play must then return.
func playFor(t *testing.T, res <-chan error, pl *playing, want int, fn func()) error {
	t.Helper()
	for n := 1; n < want; n++ {
		fn()
		select {
		case <-pl.done:
			t.Fatalf("prompt ended after %d periods, want %d", n, want)
		default:
		}
	}
	fn()
	select {
	case err := <-res:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Play did not return after the prompt's %d periods", want)
		return nil
	}
}

// present counts the 10 ms blocks of x whose f Hz component exceeds amp.
func present(x []int16, f, amp float64) int {
	n := 0
	for _, a := range blocks(x, func(b []int16) float64 { return toneAmp(b, f) }) {
		if a > amp {
			n++
		}
	}
	return n
}

func TestPlayToRemoteMixedWithMic(t *testing.T) {
	l := newLink(t, Config{}, Config{}, tone(400, 3000, 8000), nil, linkParams())
	l.step(10)
	prompt := NewPrompt("bell", 8000, tone(1000, 6000, 2400)) // 300 ms
	res, pl := startPlay(t, context.Background(), l.engA, prompt, ToRemote)
	// the prompt is mixed a frame (2 periods) at a time: its 30 periods are
	// used up by the 30th step, which reaps it
	must(t, playFor(t, res, pl, 30, func() { l.step(1) }))
	l.step(10)
	outB := l.devB.Played()[10*80:]
	if n := present(outB, 1000, 4500); n < 29 || n > 31 {
		t.Fatalf("prompt heard at B in %d blocks, want 30", n)
	}
	if n := present(outB, 400, 2500); n < len(outB)/80-3 {
		t.Fatalf("microphone heard at B in %d of %d blocks: not mixed with the prompt", n, len(outB)/80)
	}
	if n := present(l.devA.Played(), 1000, 500); n != 0 {
		t.Fatalf("ToRemote prompt played on A's own speaker in %d blocks", n)
	}
}

func TestPlayToLocalWithoutStream(t *testing.T) {
	dev := newDevice(8000, 80, nil)
	e, err := NewEngine(Config{}, dev)
	must(t, err)
	defer e.Close()
	res, pl := startPlay(t, context.Background(), e, NewPrompt("ring", 8000, tone(1000, 8000, 1600)), ToLocal)
	must(t, playFor(t, res, pl, 20, func() { dev.Step() }))
	out := dev.Played()
	if n := present(out, 1000, 7000); n != 20 {
		t.Fatalf("prompt in %d blocks, want 20", n)
	}
	if a := toneAmp(out[:1600], 1000); a < 7900 || a > 8100 {
		t.Fatalf("prompt amplitude %.0f, want 8000", a)
	}
}

func TestPlayToLocalAndBothInCall(t *testing.T) {
	l := newLink(t, Config{}, Config{}, tone(400, 3000, 8000), tone(600, 3000, 8000), linkParams())
	l.step(10)
	res, pl := startPlay(t, context.Background(), l.engA, NewPrompt("local", 8000, tone(1000, 6000, 1600)), ToLocal)
	must(t, playFor(t, res, pl, 20, func() { l.step(1) }))
	res, pl = startPlay(t, context.Background(), l.engA, NewPrompt("both", 8000, tone(1500, 6000, 1600)), ToBoth)
	must(t, playFor(t, res, pl, 20, func() { l.step(1) }))
	l.step(5)
	outA, outB := l.devA.Played()[10*80:], l.devB.Played()[10*80:]
	if n := present(outA, 1000, 5000); n != 20 {
		t.Fatalf("ToLocal prompt in %d blocks of A's speaker, want 20", n)
	}
	if n := present(outB, 1000, 500); n != 0 {
		t.Fatalf("ToLocal prompt sent to B (%d blocks)", n)
	}
	if n := present(outA, 1500, 5000); n != 20 {
		t.Fatalf("ToBoth prompt in %d blocks of A's speaker, want 20", n)
	}
	if n := present(outB, 1500, 4500); n < 19 || n > 21 {
		t.Fatalf("ToBoth prompt in %d blocks at B, want 20", n)
	}
	// the call goes on underneath: B's microphone at A, A's at B
	if n := present(outA, 600, 2500); n < len(outA)/80-3 {
		t.Fatalf("B's voice at A in %d of %d blocks", n, len(outA)/80)
	}
	if n := present(outB, 400, 2500); n < len(outB)/80-3 {
		t.Fatalf("A's voice at B in %d of %d blocks", n, len(outB)/80)
	}
}

func TestPlaySeveralMixed(t *testing.T) {
	dev := newDevice(8000, 80, nil)
	e, err := NewEngine(Config{}, dev)
	must(t, err)
	defer e.Close()
	long, pll := startPlay(t, context.Background(), e, NewPrompt("long", 8000, tone(500, 5000, 2400)), ToLocal)
	short, pls := startPlay(t, context.Background(), e, NewPrompt("short", 8000, tone(1500, 5000, 800)), ToLocal)
	must(t, playFor(t, short, pls, 10, func() { dev.Step() }))
	must(t, playFor(t, long, pll, 20, func() { dev.Step() }))
	dev.Step()
	out := dev.Played()
	if a, b := toneAmp(out[:800], 500), toneAmp(out[:800], 1500); a < 4900 || b < 4900 {
		t.Fatalf("while both play: 500 Hz %.0f, 1500 Hz %.0f, want 5000 each", a, b)
	}
	if a, b := toneAmp(out[800:2400], 500), toneAmp(out[800:2400], 1500); a < 4900 || b > 50 {
		t.Fatalf("after the short one: 500 Hz %.0f, 1500 Hz %.0f", a, b)
	}
	if p := peak(out[2400:]); p != 0 {
		t.Fatalf("sound after both ended (peak %v)", p)
	}
}

func TestPlayCancelStopsAtOnce(t *testing.T) {
	l := newLink(t, Config{}, Config{}, nil, nil, linkParams())
	ctx, cancel := context.WithCancel(context.Background())
	res, _ := startPlay(t, ctx, l.engA, NewPrompt("long", 8000, tone(1000, 6000, 8000*5)), ToBoth)
	l.step(20)
	cancel()
	select { // no period runs: Play must not wait for the device
	case err := <-res:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Play returned %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Play did not return when its context ended")
	}
	l.step(20)
	outA, outB := l.devA.Played(), l.devB.Played()
	if n := present(outA[:20*80], 1000, 5000); n != 20 {
		t.Fatalf("prompt in %d of the first 20 blocks at A", n)
	}
	if n := present(outA[20*80:], 1000, 100); n != 0 {
		t.Fatalf("prompt still played at A in %d blocks after cancel", n)
	}
	// B hears what A sent up to the cancel, a period later; then nothing
	if n := present(outB[22*80:], 1000, 100); n != 0 {
		t.Fatalf("prompt still sent to B in %d blocks after cancel", n)
	}
	if n := present(outB, 1000, 4500); n < 18 {
		t.Fatalf("prompt reached B in only %d blocks before cancel", n)
	}
}

func TestPlayErrors(t *testing.T) {
	e, err := NewEngine(Config{}, newDevice(8000, 80, nil))
	must(t, err)
	ctx := context.Background()
	if err := e.Play(ctx, NewPrompt("slow", 1000, tone(100, 1000, 100)), ToLocal); !errors.Is(err, ErrPromptRate) {
		t.Fatalf("1 kHz prompt: %v, want ErrPromptRate", err)
	}
	if err := e.Play(ctx, NewPrompt("x", 8000, tone(1000, 1000, 80)), Target(9)); !errors.Is(err, ErrBadTarget) {
		t.Fatalf("bad target: %v, want ErrBadTarget", err)
	}
	res, _ := startPlay(t, ctx, e, NewPrompt("long", 8000, tone(1000, 1000, 8000)), ToLocal)
	must(t, e.Close())
	select {
	case err := <-res:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Play during Close: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Play did not return when the engine closed")
	}
	if err := e.Play(ctx, NewPrompt("x", 8000, tone(1000, 1000, 80)), ToLocal); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed engine: %v, want ErrClosed", err)
	}
}

func peak(x []int16) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, float64(max(v, -v)))
	}
	return m
}
