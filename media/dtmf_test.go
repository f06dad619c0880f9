package media

import (
	"errors"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/impair"
)

func TestDTMFEndToEnd(t *testing.T) {
	c := newCall(t, impair.Config{Seed: 5}, Config{})
	must(t, c.strA.SendDTMF('7', 100*time.Millisecond))
	if err := c.strA.SendDTMF('8', time.Second); err == nil {
		t.Fatal("second digit accepted while the first is sent")
	}
	for c.strA.DTMFBusy() { // one frame per step: 5 frames + 2 end repeats
		c.devA.Step()
	}
	must(t, c.strA.SendDTMF('#', 60*time.Millisecond))
	for c.strA.DTMFBusy() {
		c.devA.Step()
	}
	got := receiveDigits(t, c, 2)
	if string(got) != "7#" {
		t.Fatalf("digits %q", string(got))
	}
	select {
	case e := <-c.eventsB:
		t.Fatalf("extra event %+v (end-bit redundancy not de-duplicated)", e)
	case <-time.After(100 * time.Millisecond):
	}
}

// receiveDigits steps B's device (whose period reads the RTP) until n
// digits have come out of its stream's events.
func receiveDigits(t *testing.T, c *call, n int) []rune {
	t.Helper()
	var got []rune
	end := time.Now().Add(5 * time.Second)
	for len(got) < n {
		c.devB.Step()
		select {
		case e := <-c.eventsB:
			if e.Kind != EventDTMF {
				t.Fatalf("event %+v", e)
			}
			got = append(got, e.Digit)
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(end) {
			t.Fatalf("digits received: %q", string(got))
		}
	}
	return got
}

// Digits are found on the device's goroutine, but a handler that does not
// keep up never holds the device period: the digits wait, in order.
func TestDTMFSlowHandlerDoesNotStallAudio(t *testing.T) {
	c := newCall(t, impair.Config{}, Config{})
	const digits = "0123456789*#ABCD0123" // more than eventsB holds: the handler blocks
	for _, d := range digits {
		must(t, c.strA.SendDTMF(d, 40*time.Millisecond))
		for c.strA.DTMFBusy() {
			c.devA.Step()
			time.Sleep(200 * time.Microsecond) // for loopback delivery
			stepped := make(chan struct{})
			go func() { c.devB.Step(); close(stepped) }()
			select {
			case <-stepped:
			case <-time.After(2 * time.Second):
				t.Fatalf("B's device period stalled while the event handler was blocked (digit %c)", d)
			}
		}
	}
	if got := string(receiveDigits(t, c, len(digits))); got != digits {
		t.Fatalf("digits %q, want %q", got, digits)
	}
}

func TestDTMFNotNegotiated(t *testing.T) {
	c := newCall(t, impair.Config{}, Config{})
	must(t, c.strA.Update(Params{Remote: c.strA.p.Remote, Codec: "PCMU", ClockRate: 8000}))
	if err := c.strA.SendDTMF('1', time.Second); !errors.Is(err, ErrNoDTMF) {
		t.Fatalf("err %v, want ErrNoDTMF", err)
	}
}

func TestRTPTimeoutEvent(t *testing.T) {
	c := newCall(t, impair.Config{}, Config{RTPTimeout: 100 * time.Millisecond})
	// nothing is stepped: no RTP flows, B must report a timeout
	select {
	case e := <-c.eventsB:
		if e.Kind != EventTimeout {
			t.Fatalf("event %+v, want timeout", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no timeout")
	}
}
