package codec

// growBytes extends s by n bytes, reallocating only when its capacity is
// short.
func growBytes(s []byte, n int) []byte {
	if len(s)+n <= cap(s) {
		return s[:len(s)+n]
	}
	t := make([]byte, len(s)+n, 2*len(s)+n)
	copy(t, s)
	return t
}

// growSamples extends s by n samples, reallocating only when its capacity
// is short.
func growSamples(s []int16, n int) []int16 {
	if len(s)+n <= cap(s) {
		return s[:len(s)+n]
	}
	t := make([]int16, len(s)+n, 2*len(s)+n)
	copy(t, s)
	return t
}
