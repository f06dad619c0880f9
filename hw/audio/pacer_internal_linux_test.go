//go:build linux

package audio

import (
	"testing"
	"time"
)

// The kernel timer's wait is on the per-period path: it allocates nothing.
func TestTimerFDWaitAllocatesNothing(t *testing.T) {
	tf, err := newTimerFD(time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer tf.close()
	allocs := testing.AllocsPerRun(20, func() {
		if n, err := tf.wait(); err != nil || n < 1 {
			t.Fatalf("wait = %d, %v", n, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per wait", allocs)
	}
}

// Closing the timer wakes a goroutine blocked in wait.
func TestTimerFDCloseWakesWait(t *testing.T) {
	tf, err := newTimerFD(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() {
		_, err := tf.wait()
		res <- err
	}()
	if err := tf.close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-res:
		if err == nil {
			t.Error("wait on a closed timer returned no error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("wait still blocked 10 s after close")
	}
}
