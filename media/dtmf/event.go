package dtmf

import (
	"encoding/binary"
	"fmt"
)

// PayloadSize is the size of one telephone-event payload.
const PayloadSize = 4

// Payload is one RFC 4733 event payload:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     event     |E|R| volume    |          duration             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
type Payload struct {
	Event    uint8
	End      bool
	Volume   uint8  // 0..63, in -dBm0
	Duration uint16 // in RTP timestamp units
}

// MarshalTo writes the payload into b (at least 4 bytes) and returns 4.
func (p Payload) MarshalTo(b []byte) (int, error) {
	if len(b) < PayloadSize {
		return 0, ErrShortPayload
	}
	b[0] = p.Event
	b[1] = p.Volume & 0x3f
	if p.End {
		b[1] |= 0x80
	}
	binary.BigEndian.PutUint16(b[2:], p.Duration)
	return PayloadSize, nil
}

// Unmarshal parses b. Extra bytes (RFC 4733 allows several events in one
// packet only with redundancy, which is not negotiated) are ignored.
func (p *Payload) Unmarshal(b []byte) error {
	if len(b) < PayloadSize {
		return fmt.Errorf("%w: %d", ErrShortPayload, len(b))
	}
	p.Event = b[0]
	p.End = b[1]&0x80 != 0
	p.Volume = b[1] & 0x3f
	p.Duration = binary.BigEndian.Uint16(b[2:])
	return nil
}

// EventOf maps a key to its event code (RFC 4733 section 3.2).
func EventOf(digit rune) (uint8, error) {
	switch {
	case digit >= '0' && digit <= '9':
		return uint8(digit - '0'), nil
	case digit == '*':
		return 10, nil
	case digit == '#':
		return 11, nil
	case digit >= 'A' && digit <= 'D':
		return uint8(digit-'A') + 12, nil
	case digit >= 'a' && digit <= 'd':
		return uint8(digit-'a') + 12, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrNotDigit, digit)
}

// DigitOf maps an event code to its key; ok is false for codes that are not
// DTMF keys (16 and up: flash, tones).
func DigitOf(event uint8) (rune, bool) {
	switch {
	case event <= 9:
		return rune('0' + event), true
	case event == 10:
		return '*', true
	case event == 11:
		return '#', true
	case event <= 15:
		return rune('A' + event - 12), true
	}
	return 0, false
}
