//go:build linux

package kpcm

import (
	"encoding/binary"
	"math"
)

// ToMono appends to dst the frames of b (in format f with ch channels,
// little-endian, interleaved) as mono signed 16-bit samples: the mean of
// the channels, the upper 16 bits of wider formats, floats scaled by 32768
// and clipped. A trailing partial frame is ignored.
func ToMono(dst []int16, b []byte, f Format, ch int) []int16 {
	if ch <= 0 {
		return dst
	}
	sb := f.Bytes()
	fb := sb * ch
	for off := 0; off+fb <= len(b); off += fb {
		var sum int32
		for c := range ch {
			sum += int32(sample16(b[off+c*sb:], f))
		}
		dst = append(dst, int16(sum/int32(ch)))
	}
	return dst
}

func sample16(b []byte, f Format) int16 {
	switch f {
	case S16LE:
		return int16(binary.LittleEndian.Uint16(b))
	case S32LE:
		return int16(binary.LittleEndian.Uint32(b) >> 16)
	case S24LE:
		return int16(binary.LittleEndian.Uint32(b) >> 8) // low 24 bits hold the sample
	case S243LE:
		return int16(uint16(b[1]) | uint16(b[2])<<8)
	case FloatLE:
		v := float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
		if v != v { // NaN
			return 0
		}
		return int16(max(min(math.Round(v*32768), 32767), -32768))
	}
	return 0
}

// FromMono appends to dst the samples of src as frames in format f with ch
// channels, the sample on every channel.
func FromMono(dst []byte, src []int16, f Format, ch int) []byte {
	var s [4]byte
	sb := f.Bytes()
	for _, v := range src {
		switch f {
		case S16LE:
			binary.LittleEndian.PutUint16(s[:], uint16(v))
		case S32LE:
			binary.LittleEndian.PutUint32(s[:], uint32(int32(v)<<16))
		case S24LE:
			binary.LittleEndian.PutUint32(s[:], uint32(int32(v)<<8)&0xffffff|signExt24(v))
		case S243LE:
			s[0], s[1], s[2] = 0, byte(v), byte(uint16(v)>>8)
		case FloatLE:
			binary.LittleEndian.PutUint32(s[:], math.Float32bits(float32(v)/32768))
		}
		for range ch {
			dst = append(dst, s[:sb]...)
		}
	}
	return dst
}

// signExt24 is the top byte of a 24-bit sample in a 32-bit container: the
// sign extended, as drivers expect.
func signExt24(v int16) uint32 {
	if v < 0 {
		return 0xff000000
	}
	return 0
}
