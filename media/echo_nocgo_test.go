//go:build !cgo

package media

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestNoCGOEchoFallsBackToHalfDuplex: a build without cgo has no echo
// canceller; where one was asked for, the echo path switches talk-over
// (half duplex) instead and says so; where none was asked for (noise
// suppression only), the microphone goes out as it is.
func TestNoCGOEchoFallsBackToHalfDuplex(t *testing.T) {
	var log bytes.Buffer
	cfg := Config{EchoCancel: true}.withDefaults()
	cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
	ep, err := newEchoPath(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ep.close()
	if ep.aec != nil || ep.duplex == nil {
		t.Fatalf("echo_cancel without cgo: canceller %v, half duplex %v; want none and on", ep.aec != nil, ep.duplex != nil)
	}
	if !strings.Contains(log.String(), "half duplex") {
		t.Errorf("no warning naming the fallback: %q", log.String())
	}
	// The far end talks loudly: the microphone's echo of it is ducked.
	loud := make([]int16, cfg.Rate/100)
	for i := range loud {
		loud[i] = int16(8000 * (i%16 - 8) / 8)
	}
	echo := make([]int16, len(loud))
	at := time.Unix(1000, 0)
	for range 50 {
		at = at.Add(10 * time.Millisecond)
		ep.begin(true, at)
		copy(echo, loud)
		for i := range echo {
			echo[i] /= 4 // the echo: 12 dB below what was played
		}
		ep.capture(echo)
		out := append([]int16(nil), loud...)
		ep.playback(out)
	}
	var peak int16
	for _, v := range echo {
		peak = max(peak, v, -v)
	}
	if peak > 2000/10 {
		t.Errorf("the echo of the far end reaches the network at peak %d (played 2000 at the mic), want ducked by >= 20 dB", peak)
	}

	cfg = Config{NoiseSuppress: 12}.withDefaults()
	cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
	ep2, err := newEchoPath(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ep2.close()
	if ep2.duplex != nil || ep2.aec != nil {
		t.Errorf("noise suppression only, without cgo: half duplex %v, want off", ep2.duplex != nil)
	}
}
