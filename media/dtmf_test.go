package media

import (
	"errors"
	"testing"
	"time"

	"github.com/skoip/skoip/media/impair"
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
	var got []rune
	for len(got) < 2 {
		select {
		case e := <-c.eventsB:
			if e.Kind != EventDTMF {
				t.Fatalf("event %+v", e)
			}
			got = append(got, e.Digit)
		case <-time.After(5 * time.Second):
			t.Fatalf("digits received: %q", string(got))
		}
	}
	if string(got) != "7#" {
		t.Fatalf("digits %q", string(got))
	}
	select {
	case e := <-c.eventsB:
		t.Fatalf("extra event %+v (end-bit redundancy not de-duplicated)", e)
	case <-time.After(100 * time.Millisecond):
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
