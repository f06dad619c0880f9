package aec

// refRing is the loudspeaker history, indexed by the absolute sample count
// since the last resync. Samples not yet written, or already overwritten,
// read as silence.
type refRing struct {
	buf   []int16 // len a power of two
	mask  uint64
	wrote uint64 // samples written since resync
}

func newRefRing(minLen int) refRing {
	n := 1
	for n < minLen {
		n <<= 1
	}
	return refRing{buf: make([]int16, n), mask: uint64(n - 1)}
}

// write appends s.
func (r *refRing) write(s []int16) {
	for _, v := range s {
		r.buf[r.wrote&r.mask] = v
		r.wrote++
	}
}

// read copies the samples from absolute index start (may be negative)
// into dst.
func (r *refRing) read(dst []int16, start int64) {
	oldest := int64(r.wrote) - int64(len(r.buf))
	for i := range dst {
		at := start + int64(i)
		if at < 0 || at < oldest || at >= int64(r.wrote) {
			dst[i] = 0
			continue
		}
		dst[i] = r.buf[uint64(at)&r.mask]
	}
}

// reset forgets the history and restarts the count.
func (r *refRing) reset() {
	clear(r.buf)
	r.wrote = 0
}
