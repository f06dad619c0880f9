package cn

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestUnmarshalVectors(t *testing.T) {
	cases := []struct {
		name  string
		b     []byte
		level uint8
		coef  []byte
		err   error
	}{
		// 0x28 = 0|0101000: noise at -40 dBov, no spectral information
		{"white -40", []byte{0x28}, 40, nil, nil},
		// 0x00: 0 dBov (full-scale square wave level)
		{"loudest", []byte{0x00}, 0, nil, nil},
		// 0x7f: -127 dBov, digital silence
		{"quietest", []byte{0x7f}, 127, nil, nil},
		// level -50 dBov (0x32), then a model of order 2: N1=0x81, N2=0x40
		{"order 2", []byte{0x32, 0x81, 0x40}, 50, []byte{0x81, 0x40}, nil},
		// reserved bit set (0x80|0x1e): ignored, -30 dBov
		{"reserved bit", []byte{0x9e}, 30, nil, nil},
		// no level byte at all
		{"empty", []byte{}, 0, nil, ErrEmpty},
	}
	for _, tc := range cases {
		var p Payload
		err := p.Unmarshal(tc.b)
		if !errors.Is(err, tc.err) {
			t.Fatalf("%s: err %v, want %v", tc.name, err, tc.err)
		}
		if err != nil {
			continue
		}
		if p.Level != tc.level || !bytes.Equal(p.Coefficients, tc.coef) {
			t.Fatalf("%s: got %+v, want level %d coef %x", tc.name, p, tc.level, tc.coef)
		}
	}
}

func TestMarshalVectors(t *testing.T) {
	cases := []struct {
		p    Payload
		want []byte
	}{
		{Payload{Level: 40}, []byte{0x28}},
		{Payload{Level: 200}, []byte{0x7f}}, // clamped to -127 dBov
		{Payload{Level: 50, Coefficients: []byte{0x81, 0x40}}, []byte{0x32, 0x81, 0x40}},
	}
	for _, tc := range cases {
		b, err := tc.p.Marshal()
		if err != nil || !bytes.Equal(b, tc.want) {
			t.Fatalf("%+v: % x, %v; want % x", tc.p, b, err, tc.want)
		}
		var back Payload
		if err := back.Unmarshal(b); err != nil || back.Level != min(tc.p.Level, MaxLevel) ||
			!bytes.Equal(back.Coefficients, tc.p.Coefficients) {
			t.Fatalf("round trip of %+v: %+v, %v", tc.p, back, err)
		}
	}
	if _, err := (Payload{Level: 1, Coefficients: []byte{1}}).MarshalTo(make([]byte, 1)); !errors.Is(err, ErrShortBuffer) {
		t.Fatalf("short buffer: %v", err)
	}
}

func TestLevelFromDB(t *testing.T) {
	cases := []struct {
		db   float64
		want uint8
	}{
		{0, 0}, {3, 0}, {-0.4, 0}, {-39.6, 40}, {-40.4, 40}, {-126.6, 127}, {-300, 127}, {math.NaN(), 127},
	}
	for _, tc := range cases {
		if got := LevelFromDB(tc.db); got != tc.want {
			t.Fatalf("LevelFromDB(%v) = %d, want %d", tc.db, got, tc.want)
		}
	}
	if d := (Payload{Level: 62}).DB(); d != -62 {
		t.Fatalf("DB %v", d)
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte{0x28})
	f.Add([]byte{0x32, 0x81, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Payload
		if err := p.Unmarshal(b); err != nil {
			if len(b) != 0 {
				t.Fatalf("rejected % x: %v", b, err)
			}
			return
		}
		if p.Level > MaxLevel || len(p.Coefficients) != len(b)-1 {
			t.Fatalf("% x -> %+v", b, p)
		}
		out, err := p.Marshal()
		if err != nil || !bytes.Equal(out[1:], b[1:]) || out[0] != b[0]&0x7f {
			t.Fatalf("round trip % x -> % x, %v", b, out, err)
		}
	})
}
