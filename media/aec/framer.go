package aec

// framer cuts Capture's buffers into 10 ms frames. Buffers that are whole
// frames, with nothing pending, are processed in place with no delay;
// otherwise samples pass through a FIFO that delays them by frame-1.
type framer struct {
	in  []int16 // pending input, cap frame
	out []int16 // processed output waiting, cap frame
	oi  int     // next sample of out to hand back
}

func newFramer(frame int) framer {
	return framer{in: make([]int16, 0, frame), out: make([]int16, 0, frame)}
}

func (f *framer) run(s []int16, process func([]int16)) {
	n := cap(f.in)
	if len(f.in) == 0 && f.oi == len(f.out) && len(s)%n == 0 {
		for i := 0; i < len(s); i += n {
			process(s[i : i+n])
		}
		return
	}
	for i, v := range s {
		f.in = append(f.in, v)
		if len(f.in) == n {
			process(f.in)
			f.out = append(f.out[:0], f.in...)
			f.in, f.oi = f.in[:0], 0
		}
		if f.oi < len(f.out) {
			s[i] = f.out[f.oi]
			f.oi++
		} else {
			s[i] = 0
		}
	}
}
