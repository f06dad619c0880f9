package audio_test

// speechLike returns n deterministic, never-zero samples: a signal that
// no stretch of silence or of itself elsewhere can be taken for.
func speechLike(n int) []int16 {
	s := make([]int16, n)
	x := uint32(12345)
	for i := range s {
		x = x*1664525 + 1013904223
		s[i] = int16(x>>16) | 1
	}
	return s
}
