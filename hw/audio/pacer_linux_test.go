//go:build linux

package audio_test

import (
	"testing"
	"time"

	"github.com/skoip/skoip/hw/audio"
)

// Without a Clock, the paced backends run on a kernel timer: real time.
func TestKernelPacingRunsInRealTime(t *testing.T) {
	d, err := audio.Open(audio.Config{Backend: "loopback"}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const want = 30 // periods of 10 ms
	done := make(chan time.Time, 1)
	var n int16
	start := time.Now()
	err = d.Start(func(in, out []int16) {
		if n > 0 && in[0] != n-1 {
			t.Errorf("callback %d: in[0] = %d, want the out of the previous period", n, in[0])
		}
		out[0] = n
		if n++; n == want {
			done <- time.Now()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case end := <-done:
		if el := end.Sub(start); el < (want-1)*10*time.Millisecond || el > 5*time.Second {
			t.Errorf("%d periods of 10 ms took %v", want, el)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no 30 callbacks in 10 s")
	}
	stopped := time.Now()
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(stopped); el > time.Second {
		t.Errorf("Stop took %v", el)
	}
	if s := d.Stats(); s.Periods < want {
		t.Errorf("Stats = %+v, want at least %d periods", s, want)
	}
	// It starts again after a Stop, with a new timer.
	again := make(chan struct{})
	var once bool
	if err := d.Start(func(in, out []int16) {
		if !once {
			once = true
			close(again)
		}
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-again:
	case <-time.After(10 * time.Second):
		t.Fatal("no callback after the second Start")
	}
}

// A callback that stalls for many periods is not followed by a burst of
// all the missed ones: beyond a few, they are counted as overruns.
func TestKernelPacingCountsOverruns(t *testing.T) {
	d, err := audio.Open(audio.Config{Backend: "null"}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	done := make(chan struct{})
	var n int
	err = d.Start(func(in, out []int16) {
		n++
		switch n {
		case 1:
			time.Sleep(200 * time.Millisecond) // the stall being tested: 20 periods
		case 3:
			close(done)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no 3 callbacks in 10 s")
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	if s := d.Stats(); s.Overruns < 10 {
		t.Errorf("after a 20-period stall: Stats = %+v, want >= 10 overruns", s)
	}
}
