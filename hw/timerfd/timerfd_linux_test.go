//go:build linux

package timerfd

import (
	"testing"
	"time"
)

func periodic(t *testing.T, d time.Duration) *Timer {
	t.Helper()
	tf, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.Set(d, d); err != nil {
		t.Fatal(err)
	}
	return tf
}

// Wait is on the audio's per-period path: it allocates nothing.
func TestWaitAllocatesNothing(t *testing.T) {
	tf := periodic(t, time.Millisecond)
	defer tf.Close()
	allocs := testing.AllocsPerRun(20, func() {
		if n, err := tf.Wait(); err != nil || n < 1 {
			t.Fatalf("wait = %d, %v", n, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per wait", allocs)
	}
}

// Closing the timer wakes a goroutine blocked in Wait.
func TestCloseWakesWait(t *testing.T) {
	tf := periodic(t, time.Hour)
	res := make(chan error, 1)
	go func() {
		_, err := tf.Wait()
		res <- err
	}()
	if err := tf.Close(); err != nil {
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
