package rtpsess

import (
	"bytes"
	"testing"
)

// TestPacketVectorsAndWrap checks the bytes the sender writes, across the
// sequence number 65535 -> 0 and RTP timestamp 2^32 -> 0 wraps.
func TestPacketVectorsAndWrap(t *testing.T) {
	var w sender
	w.init(0x11223344, 0xffff, 0xffffff60)
	n, err := w.packet(0, true, 0, []byte{0xff, 0x7f})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0x80,       // V=2 P=0 X=0 CC=0
		0x80,       // M=1 PT=0 (PCMU)
		0xff, 0xff, // sequence number 65535
		0xff, 0xff, 0xff, 0x60, // timestamp = base + 0
		0x11, 0x22, 0x33, 0x44, // SSRC
		0xff, 0x7f, // payload
	}
	if !bytes.Equal(w.buf[:n], want) {
		t.Fatalf("first packet\n got % x\nwant % x", w.buf[:n], want)
	}
	n, _ = w.packet(8, false, 160, []byte{0xd5})
	want = []byte{
		0x80,
		0x08,       // M=0 PT=8 (PCMA)
		0x00, 0x00, // sequence wrapped to 0
		0x00, 0x00, 0x00, 0x00, // timestamp wrapped: 0xffffff60 + 160
		0x11, 0x22, 0x33, 0x44,
		0xd5,
	}
	if !bytes.Equal(w.buf[:n], want) {
		t.Fatalf("second packet\n got % x\nwant % x", w.buf[:n], want)
	}
}

func TestPayloadTooLarge(t *testing.T) {
	var w sender
	w.init(1, 1, 1)
	if _, err := w.packet(0, false, 0, make([]byte, maxDatagram)); err != ErrPayloadTooLarge {
		t.Fatalf("err = %v, want ErrPayloadTooLarge", err)
	}
}
