package cn

import "math"

// MaxLevel is the quietest level a payload can carry: -127 dBov, which
// 16-bit audio cannot reach (digital silence).
const MaxLevel = 127

// Payload is one RFC 3389 comfort noise payload (section 3):
//
//	 0 1 2 3 4 5 6 7
//	+-+-+-+-+-+-+-+-+
//	|0|   level     |  noise level, -dBov (0..127)
//	+-+-+-+-+-+-+-+-+
//	|     N1        |  reflection coefficients, optional, one byte each
//	+-+-+-+-+-+-+-+-+
//	|     ...       |
//
// The model order is the number of coefficients (0: white noise).
type Payload struct {
	Level        uint8  // noise level in -dBov, 0..127
	Coefficients []byte // quantised reflection coefficients; nil for none
}

// Unmarshal parses b. The reserved top bit of the level byte is ignored (a
// sender that sets it is still understood). Coefficients alias b.
func (p *Payload) Unmarshal(b []byte) error {
	if len(b) == 0 {
		return ErrEmpty
	}
	p.Level = b[0] & 0x7f
	p.Coefficients = nil
	if len(b) > 1 {
		p.Coefficients = b[1:]
	}
	return nil
}

// MarshalSize is the payload's size in bytes.
func (p Payload) MarshalSize() int { return 1 + len(p.Coefficients) }

// MarshalTo writes the payload into b and returns its size. A Level above
// MaxLevel is written as MaxLevel.
func (p Payload) MarshalTo(b []byte) (int, error) {
	n := p.MarshalSize()
	if len(b) < n {
		return 0, ErrShortBuffer
	}
	b[0] = min(p.Level, MaxLevel)
	copy(b[1:], p.Coefficients)
	return n, nil
}

// Marshal returns the payload's bytes.
func (p Payload) Marshal() ([]byte, error) {
	b := make([]byte, p.MarshalSize())
	if _, err := p.MarshalTo(b); err != nil {
		return nil, err
	}
	return b, nil
}

// LevelFromDB converts a frame level in dBov (dBFS, <= 0) to the payload's
// -dBov byte, rounded and clamped to 0..MaxLevel.
func LevelFromDB(db float64) uint8 {
	v := math.Round(-db)
	if math.IsNaN(v) || v >= MaxLevel {
		return MaxLevel
	}
	if v <= 0 {
		return 0
	}
	return uint8(v)
}

// DB is the level in dBov (0 down to -127).
func (p Payload) DB() float64 { return -float64(min(p.Level, MaxLevel)) }
