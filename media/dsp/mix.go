package dsp

// MixInto adds src, scaled by gain, to dst, saturating at the int16 range.
// Only the first min(len(dst), len(src)) samples are touched.
func MixInto(dst, src []int16, gain float32) {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	if gain == 1 {
		for i, s := range src {
			dst[i] = clamp16(int32(dst[i]) + int32(s))
		}
		return
	}
	for i, s := range src {
		dst[i] = saturate(float32(dst[i]) + gain*float32(s))
	}
}

// Mix writes a*ga + b*gb into dst, saturating; it writes
// min(len(dst), len(a), len(b)) samples. dst may alias a or b.
func Mix(dst, a, b []int16, ga, gb float32) {
	n := min(len(dst), len(a), len(b))
	dst, a, b = dst[:n], a[:n], b[:n]
	for i := range dst {
		dst[i] = saturate(ga*float32(a[i]) + gb*float32(b[i]))
	}
}

// ApplyGain scales buf in place by gain, saturating.
func ApplyGain(buf []int16, gain float32) {
	if gain == 1 {
		return
	}
	for i, s := range buf {
		buf[i] = saturate(gain * float32(s))
	}
}

func clamp16(v int32) int16 {
	if v > 32767 {
		return 32767
	}
	if v < -32768 {
		return -32768
	}
	return int16(v)
}
