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

// A periodic timer's waits return once per period with the expirations
// since the last one, and read the timer once per wait: never to hear
// that it has not expired yet.
func TestPeriodicWaitsReadOncePerWait(t *testing.T) {
	const period = 5 * time.Millisecond
	tf := periodic(t, period)
	defer tf.Close()
	start := time.Now()
	var total uint64
	for range 20 {
		n, err := tf.Wait()
		if err != nil || n < 1 {
			t.Fatalf("wait = %d, %v", n, err)
		}
		total += n
	}
	if el := time.Since(start); el < 20*period || time.Duration(total)*period > el+period {
		t.Errorf("%d expirations of %v in %v", total, period, el)
	}
	// A wait that starts late returns at once with what it missed.
	time.Sleep(4 * period)
	n, err := tf.Wait()
	if err != nil || n < 3 {
		t.Errorf("late wait = %d, %v; want >= 3", n, err)
	}
	// A wait may read in vain when it starts between Set's clock reading
	// and the kernel's (microseconds apart, more if Set is preempted): a
	// few extra reads, where reading first each time would make 41.
	if tf.reads < 21 || tf.reads > 24 {
		t.Errorf("%d reads for 21 waits", tf.reads)
	}
}

// Set during a Wait takes effect: an earlier expiry wakes it, a disarmed
// timer does not, and a one-shot timer expires once.
func TestSetDuringWait(t *testing.T) {
	tf, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	set := func(value time.Duration) {
		if err := tf.Set(value, 0); err != nil {
			t.Fatal(err)
		}
	}
	res := make(chan uint64, 1)
	wait := func() {
		n, err := tf.Wait()
		if err != nil {
			n = 0
		}
		res <- n
	}
	ended := func(why string) uint64 {
		select {
		case n := <-res:
			return n
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not end the wait", why)
			return 0
		}
	}
	stillBlocked := func(why string) {
		select {
		case n := <-res:
			t.Fatalf("wait on %s returned %d", why, n)
		case <-time.After(50 * time.Millisecond):
		}
	}
	set(time.Hour)
	go wait()
	time.Sleep(20 * time.Millisecond) // the wait is blocked by now, or soon
	start := time.Now()
	set(10 * time.Millisecond)
	if n, el := ended("re-armed timer"), time.Since(start); n != 1 || el < 10*time.Millisecond {
		t.Errorf("wait = %d after %v; want 1 after 10 ms", n, el)
	}
	// Expired once: the next wait blocks until the timer is armed again.
	go wait()
	stillBlocked("an expired one-shot timer")
	set(0) // disarmed: still blocked
	stillBlocked("a disarmed timer")
	set(time.Millisecond)
	if n := ended("armed timer"); n != 1 {
		t.Errorf("wait = %d, want 1", n)
	}
}
