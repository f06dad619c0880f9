package codec

// Constant tables of ITU-T G.722 (64 kbit/s mode). Scale factors here are
// a quarter of the Recommendation's DETL/DETH, so that every dequantiser
// product below is "scale * level >> 10" instead of ">> 15" with levels
// eight times larger; the results are identical.

// g722QMF holds the 12 distinct taps of the 24-tap linear-phase QMF
// (G.722 Table 11): tap i and tap 23-i are equal. Their sum is 4096.
var g722QMF = [12]int32{3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11}

// g722LowBounds are the decision levels of the 6-bit lower-band quantiser
// (G.722 Table 6, in units of the scale factor / 1024): a magnitude at or
// above bound k falls in interval k+1 or higher; interval 0 lies below the
// first bound and interval 29 above the last.
var g722LowBounds = [29]int32{
	35, 72, 110, 150, 190, 233, 276, 323, 370, 422,
	473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121,
	1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
}

// g722LowLevels6 are the output levels of the 6-bit lower-band
// dequantiser per interval (G.722 Table 6), smallest first.
var g722LowLevels6 = [30]int32{
	17, 54, 91, 130, 170, 211, 254, 300, 347, 396,
	447, 501, 558, 618, 682, 750, 822, 899, 982, 1072,
	1170, 1279, 1399, 1535, 1689, 1873, 2088, 2376, 2738, 3101,
}

// g722LowCode maps a quantiser interval (0-29) to its 6-bit code for a
// non-negative and for a negative difference: positive codes run down
// from 61, negative ones from 63, 62 and then 31 down to 4. Codes 0-3 are
// never sent; the decoder reads them as the smallest negative level.
func g722LowCode(interval int, negative bool) int {
	switch {
	case !negative:
		return 61 - interval
	case interval < 2:
		return 63 - interval
	default:
		return 33 - interval
	}
}

// g722LowInv6 is the 6-bit dequantiser indexed by code, built from
// g722LowLevels6 and g722LowCode.
var g722LowInv6 = func() (t [64]int32) {
	for i := range t {
		t[i] = -g722LowLevels6[0] // codes 0-3
	}
	for k, level := range g722LowLevels6 {
		t[g722LowCode(k, false)] = level
		t[g722LowCode(k, true)] = -level
	}
	return t
}()

// g722LowInv4 is the 4-bit dequantiser indexed by the code's four most
// significant bits: it drives the predictor, so that the embedded 56 and
// 48 kbit/s modes stay in step with the 64 kbit/s encoder.
var g722LowInv4 = [16]int32{
	0, -2557, -1612, -1121, -786, -530, -323, -150,
	2557, 1612, 1121, 786, 530, 323, 150, 0,
}

// g722LowLogStep is the lower band's log scale factor increment (W_L of
// G.722) per 4-bit code: large steps follow large differences.
var g722LowLogStep = [16]int32{
	-60, 3042, 1198, 538, 334, 172, 58, -30,
	3042, 1198, 538, 334, 172, 58, -30, -60,
}

// g722HighInv is the 2-bit upper-band dequantiser indexed by code: codes
// 0 and 1 are negative, 2 and 3 positive; even codes are the outer level.
var g722HighInv = [4]int32{-926, -202, 926, 202}

// g722HighLogStep is the upper band's log scale factor increment (W_H)
// for an outer (even) and an inner (odd) code.
var g722HighLogStep = [2]int32{798, -214}

// g722Antilog is 2048 * 2^(i/32) as G.722 rounds it: the mantissa of the
// linear scale factor for the log scale factor's fraction.
var g722Antilog = [32]int32{
	2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383,
	2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
	2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371,
	3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
}
