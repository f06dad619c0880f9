package codec

import "math/bits"

// The G.711 conversions below follow the ITU-T G.191 reference software
// (STL g711.c): the input is the 16-bit sample taken as a left-justified
// 14-bit (µ-law) or 13-bit (A-law) value, and negative samples use the
// one's complement for their magnitude, so that the decision intervals are
// symmetric about zero as G.711 tables 1 and 2 define them.

// ulawDecodeTable and alawDecodeTable are read-only after package
// initialisation.
var (
	ulawDecodeTable = buildDecodeTable(ulawExpand)
	alawDecodeTable = buildDecodeTable(alawExpand)
)

func buildDecodeTable(expand func(byte) int16) *[256]int16 {
	var t [256]int16
	for i := range t {
		t[i] = expand(byte(i))
	}
	return &t
}

// ULawEncode returns the G.711 µ-law code for one 16-bit sample.
func ULawEncode(x int16) byte {
	var mag int
	if x < 0 {
		mag = int(^x)>>2 + 33
	} else {
		mag = int(x)>>2 + 33
	}
	if mag > 0x1FFF {
		mag = 0x1FFF
	}
	seg := bits.Len(uint(mag>>6)) + 1 // 1..8
	code := byte(8-seg)<<4 | byte(15-(mag>>seg)&0xF)
	if x >= 0 {
		code |= 0x80
	}
	return code
}

// ULawDecode returns the 16-bit sample for one G.711 µ-law code.
func ULawDecode(code byte) int16 { return ulawDecodeTable[code] }

// ALawEncode returns the G.711 A-law code for one 16-bit sample.
func ALawEncode(x int16) byte {
	var ix int
	if x < 0 {
		ix = int(^x) >> 4
	} else {
		ix = int(x) >> 4
	}
	code := ix // segment 0: the 4-bit mantissa itself
	if ix > 15 {
		n := bits.Len(uint(ix)) // 5..11
		code = (n-4)<<4 | (ix>>(n-5) - 16)
	}
	if x >= 0 {
		code |= 0x80
	}
	return byte(code) ^ 0x55
}

// ALawDecode returns the 16-bit sample for one G.711 A-law code.
func ALawDecode(code byte) int16 { return alawDecodeTable[code] }

// ulawExpand reconstructs a µ-law code at the middle of its interval.
func ulawExpand(code byte) int16 {
	m := ^code
	exp := int(m>>4) & 7
	step := 4 << (exp + 1)
	v := 0x80<<exp + step*int(m&0xF) + step/2 - 4*33
	if code < 0x80 {
		v = -v
	}
	return int16(v)
}

// alawExpand reconstructs an A-law code at the middle of its interval.
func alawExpand(code byte) int16 {
	ix := code ^ 0x55
	exp := int(ix>>4) & 7
	mant := int(ix & 0xF)
	if exp > 0 {
		mant += 16
	}
	mant = mant<<4 + 8
	if exp > 1 {
		mant <<= exp - 1
	}
	if code < 0x80 {
		mant = -mant
	}
	return int16(mant)
}
