package media

import (
	"context"
	"math"
	"testing"
)

// The levels are those of the last 100 ms: a sine of amplitude A reads
// 20·log10(A/32768) peak and 3 dB less RMS; the speaker reads the prompt
// playing, and silence reads -100.
func TestLevels(t *testing.T) {
	mic := tone(400, 3277, 8000) // -20 dBFS peak
	dev := newDevice(8000, 160, mic)
	eng, err := NewEngine(Config{}, dev)
	must(t, err)
	t.Cleanup(func() { _ = eng.Close() })
	if lv := eng.Levels(); lv.Seq != 0 || lv.MicPeakDBFS != -100 {
		t.Errorf("before the first window: %+v", lv)
	}
	for range 5 {
		dev.Step()
	}
	lv := eng.Levels()
	if lv.Seq != 1 || math.Abs(lv.MicPeakDBFS+20) > 0.1 || math.Abs(lv.MicRMSDBFS+23) > 0.2 {
		t.Errorf("microphone of a -20 dBFS sine: %+v", lv)
	}
	if lv.SpeakerPeakDBFS != -100 || lv.SpeakerRMSDBFS != -100 {
		t.Errorf("speaker while nothing plays: %+v", lv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, pl := startPlay(t, ctx, eng, NewPrompt("p", 8000, tone(1000, 16384, 8000)), ToLocal)
	_ = res
	_ = pl
	for range 10 {
		dev.Step()
	}
	lv = eng.Levels()
	if math.Abs(lv.SpeakerPeakDBFS+6) > 0.2 {
		t.Errorf("speaker of a -6 dBFS prompt: %+v", lv)
	}
}
