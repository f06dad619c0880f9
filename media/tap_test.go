package media

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The tap gives the microphone as captured, with no call, and loses the
// oldest audio (counted) when its reader is 2 s behind; the device never
// waits for it.
func TestTapRecordsTheMicrophoneWithoutACall(t *testing.T) {
	mic := tone(400, 3000, 8000*4)
	dev := newDevice(8000, 80, mic)
	eng, err := NewEngine(Config{}, dev)
	must(t, err)
	t.Cleanup(func() { _ = eng.Close() })
	tap, err := eng.Tap()
	must(t, err)
	for range 50 { // 0.5 s
		dev.Step()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got := make([]int16, 0, 8000)
	buf := make([]int16, 333)
	for len(got) < 4000 {
		n, err := tap.Read(ctx, buf)
		must(t, err)
		got = append(got, buf[:n]...)
	}
	if len(got) != 4000 {
		t.Fatalf("read %d samples of 4000 captured", len(got))
	}
	for i, v := range got {
		if v != mic[i] {
			t.Fatalf("sample %d = %d, the microphone gave %d", i, v, mic[i])
		}
	}
	for range 300 { // 3 s nobody reads: 1 s is lost
		dev.Step()
	}
	if d := tap.Dropped(); d != 8000 {
		t.Errorf("dropped %d samples, want 8000", d)
	}
	n, err := tap.Read(ctx, buf)
	must(t, err)
	if want := mic[4000+8000 : 4000+8000+n]; buf[0] != want[0] {
		t.Errorf("after the loss, the oldest sample kept is %d, want %d", buf[0], want[0])
	}
	// A second Tap replaces the first, which then reads as closed.
	tap2, err := eng.Tap()
	must(t, err)
	for {
		if _, err = tap.Read(ctx, buf); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrClosed) {
		t.Errorf("replaced tap: %v, want ErrClosed", err)
	}
	tap2.Close()
	if _, err := tap2.Read(ctx, buf); !errors.Is(err, ErrClosed) {
		t.Errorf("closed tap: %v", err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelShort()
	tap3, err := eng.Tap()
	must(t, err)
	if _, err := tap3.Read(short, buf); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("read with nothing captured: %v", err)
	}
	must(t, eng.Close())
	if _, err := tap3.Read(ctx, buf); !errors.Is(err, ErrClosed) {
		t.Errorf("read after the engine closed: %v", err)
	}
	if _, err := eng.Tap(); !errors.Is(err, ErrClosed) {
		t.Errorf("Tap on a closed engine: %v", err)
	}
}
