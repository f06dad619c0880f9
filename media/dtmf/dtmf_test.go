package dtmf

import (
	"bytes"
	"testing"
	"time"
)

func TestPayloadVectors(t *testing.T) {
	for _, c := range []struct {
		p    Payload
		wire []byte
	}{
		// event 5, not end, volume 10, duration 160 (20 ms at 8 kHz)
		{Payload{Event: 5, Volume: 10, Duration: 160}, []byte{0x05, 0x0a, 0x00, 0xa0}},
		// '#' (11), end bit, volume 10, duration 800 (100 ms)
		{Payload{Event: 11, End: true, Volume: 10, Duration: 800}, []byte{0x0b, 0x8a, 0x03, 0x20}},
		// 'D' (15), end, volume 63, duration 65535
		{Payload{Event: 15, End: true, Volume: 63, Duration: 0xffff}, []byte{0x0f, 0xbf, 0xff, 0xff}},
	} {
		var b [4]byte
		if _, err := c.p.MarshalTo(b[:]); err != nil || !bytes.Equal(b[:], c.wire) {
			t.Errorf("marshal %+v = % x, want % x", c.p, b, c.wire)
		}
		var got Payload
		if err := got.Unmarshal(c.wire); err != nil || got != c.p {
			t.Errorf("unmarshal % x = %+v, want %+v", c.wire, got, c.p)
		}
	}
	// the R bit (0x40) is ignored on receipt
	var p Payload
	if err := p.Unmarshal([]byte{1, 0xca, 0, 1}); err != nil || !p.End || p.Volume != 10 {
		t.Fatalf("reserved bit: %+v %v", p, err)
	}
	if err := p.Unmarshal([]byte{1, 2, 3}); err == nil {
		t.Fatal("short payload accepted")
	}
}

func TestDigitMapping(t *testing.T) {
	for i, d := range "0123456789*#ABCD" {
		ev, err := EventOf(d)
		if err != nil || ev != uint8(i) {
			t.Fatalf("EventOf(%q) = %d, %v", d, ev, err)
		}
		if got, ok := DigitOf(ev); !ok || got != d {
			t.Fatalf("DigitOf(%d) = %q", ev, got)
		}
	}
	if _, err := EventOf('x'); err == nil {
		t.Fatal("x accepted")
	}
	if _, ok := DigitOf(16); ok {
		t.Fatal("flash is not a digit")
	}
}

// TestSenderSequence: 100 ms at 20 ms ptime is a start packet with marker,
// four updates... the fifth reaches 800 and is the first of three end
// packets, all at the event's timestamp.
func TestSenderSequence(t *testing.T) {
	var s Sender
	if err := s.Start('1', 100*time.Millisecond, 4000, 20*time.Millisecond, 8000); err != nil {
		t.Fatal(err)
	}
	if err := s.Start('2', time.Second, 0, 20*time.Millisecond, 8000); err != ErrBusy {
		t.Fatalf("second start: %v", err)
	}
	want := [][]byte{
		{0x01, 0x0a, 0x00, 0xa0}, // 160, marker
		{0x01, 0x0a, 0x01, 0x40}, // 320
		{0x01, 0x0a, 0x01, 0xe0}, // 480
		{0x01, 0x0a, 0x02, 0x80}, // 640
		{0x01, 0x8a, 0x03, 0x20}, // 800, end
		{0x01, 0x8a, 0x03, 0x20}, // end repeated
		{0x01, 0x8a, 0x03, 0x20}, // end repeated
	}
	for i, w := range want {
		p, ok := s.Next()
		if !ok || p.TS != 4000 || p.Marker != (i == 0) || !bytes.Equal(p.Payload[:], w) {
			t.Fatalf("packet %d: %+v ok=%v, want % x", i, p, ok, w)
		}
	}
	if _, ok := s.Next(); ok || s.Active() {
		t.Fatal("sender did not stop after three end packets")
	}
}

func TestReceiverDedup(t *testing.T) {
	var s Sender
	var r Receiver
	var got []rune
	for _, d := range "19#" {
		_ = s.Start(d, 60*time.Millisecond, uint32(len(got))*1000, 20*time.Millisecond, 8000)
		for {
			p, ok := s.Next()
			if !ok {
				break
			}
			if digit, ok := r.Handle(p.TS, p.Payload[:]); ok {
				got = append(got, digit)
			}
		}
	}
	if string(got) != "19#" {
		t.Fatalf("got %q", string(got))
	}
	// the same key pressed again is a new event: new timestamp
	if d, ok := r.Handle(9999, []byte{11, 0x8a, 0, 160}); !ok || d != '#' {
		t.Fatalf("repeat key: %q %v", d, ok)
	}
	// only the end packets arrive (start lost): still delivered once
	n := 0
	for range 3 {
		if _, ok := r.Handle(20000, []byte{3, 0x8a, 0x03, 0x20}); ok {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("end-only event delivered %d times", n)
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte{0x05, 0x0a, 0x00, 0xa0})
	f.Add([]byte{0x0b, 0x8a, 0x03, 0x20, 0xff})
	f.Add([]byte{0x10})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Payload
		if err := p.Unmarshal(b); err != nil {
			return
		}
		var out [4]byte
		if _, err := p.MarshalTo(out[:]); err != nil {
			t.Fatal(err)
		}
		// round trip keeps all fields but the reserved bit
		if out[0] != b[0] || out[1] != b[1]&^0x40 || out[2] != b[2] || out[3] != b[3] {
			t.Fatalf("round trip % x -> % x", b[:4], out)
		}
		var r Receiver
		r.Handle(1, b)
	})
}
