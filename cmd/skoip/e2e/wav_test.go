package e2e

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"testing"
)

// readWAV reads a 16-bit mono PCM WAV. It takes the data chunk to the end of
// the file whatever its header says, so that a recording whose header was
// not fixed up yet (a killed process) can still be read.
func readWAV(path string) (rate int, samples []int16, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, err
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, nil, fmt.Errorf("%s: not a WAV file", path)
	}
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return 0, nil, fmt.Errorf("%s: short fmt chunk", path)
			}
			if ch, bits := binary.LittleEndian.Uint16(body[2:]), binary.LittleEndian.Uint16(body[14:]); ch != 1 || bits != 16 {
				return 0, nil, fmt.Errorf("%s: %d channels of %d bits, want mono 16-bit", path, ch, bits)
			}
			rate = int(binary.LittleEndian.Uint32(body[4:]))
		case "data":
			samples = make([]int16, len(body)/2)
			for i := range samples {
				samples[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			if rate == 0 {
				return 0, nil, fmt.Errorf("%s: data before fmt", path)
			}
			return rate, samples, nil
		}
		p += 8 + size + size%2
	}
	return 0, nil, errors.New(path + ": no data chunk")
}

// mustReadWAV is readWAV's samples; the test fails when it cannot read them.
func mustReadWAV(t *testing.T, path string) []int16 {
	t.Helper()
	_, s, err := readWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeWAV writes 16-bit mono PCM (for peers that need a file of their own).
func writeWAV(path string, rate int, samples []int16) error {
	b := make([]byte, 44+2*len(samples))
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*len(samples)))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(2*rate))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*len(samples)))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return os.WriteFile(path, b, 0o644)
}
