package voicemail

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func header(dataLen uint32) []byte {
	var h [headerSize]byte
	putHeader(&h, dataLen)
	return h[:]
}

func FuzzParseHeader(f *testing.F) {
	f.Add(header(0), int64(44))
	f.Add(append(header(4), 1, 2, 3, 4), int64(48))
	f.Add(append(header(4), 1, 2, 3, 4), int64(1<<40))
	f.Add(header(1<<31), int64(44+1<<31))
	f.Add(append(header(3), 1, 2, 3), int64(47))
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), int64(16))
	f.Add([]byte{}, int64(-1))
	f.Fuzz(func(t *testing.T, b []byte, size int64) {
		d, err := parseHeader(b, size)
		if err == nil {
			data := size - headerSize
			if !bytes.Equal(b[:headerSize], header(uint32(data))) || d != time.Duration(data/2)*time.Second/Rate {
				t.Errorf("accepted % x for %d bytes as %v", b[:min(len(b), headerSize)], size, d)
			}
		}
		d, err = readDuration(bytes.NewReader(b), int64(len(b)))
		if err == nil && int64(len(b)) != headerSize+2*int64(d*Rate/time.Second) {
			t.Errorf("%d bytes read as %v", len(b), d)
		}
	})
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"msg-20261207T130824Z-000", "msg-20260230T000000Z-000", "../x", "msg-../../etc", "",
		"msg-2026120T1308245Z-000", "msg-20261207T130824Z-00/", "msg-20261207T130824Z-000.wav"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		tm, ok := parseID(id)
		if !ok {
			return
		}
		if strings.ContainsAny(id, "/\\.\x00") || makeID(tm, 0)[:idLen-3] != id[:idLen-3] {
			t.Errorf("accepted %q as %v", id, tm)
		}
	})
}
