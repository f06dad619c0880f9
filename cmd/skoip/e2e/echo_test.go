package e2e

import (
	"math"
	"math/cmplx"
	"time"
)

// timedPacket is an RTP payload (PCMU) and when the capture saw it.
type timedPacket struct {
	at      float64
	payload []byte
}

// ulaw decodes one G.711 mu-law byte.
func ulaw(b byte) int16 {
	b = ^b
	t := (int(b&0x0f) << 3) + 0x84
	t <<= (b & 0x70) >> 4
	if b&0x80 != 0 {
		return int16(0x84 - t)
	}
	return int16(t - 0x84)
}

// timeline lays the packets' audio out at 8 kHz by capture time.
func timeline(pkts []timedPacket, n int) []float64 {
	x := make([]float64, n)
	for _, p := range pkts {
		at := int(p.at * 8000)
		for i, b := range p.payload {
			if at+i < n {
				x[at+i] = float64(ulaw(b))
			}
		}
	}
	return x
}

// echoDelay is the lag (0 to 1 s) at which the audio leaving the callee
// best matches the audio that arrived at it.
func echoDelay(in, out []timedPacket) time.Duration {
	end := math.Max(in[len(in)-1].at, out[len(out)-1].at) + 1
	n := int(end * 8000)
	size := 1
	for size < 2*n {
		size <<= 1
	}
	a, b := make([]complex128, size), make([]complex128, size)
	for i, v := range timeline(in, n) {
		a[i] = complex(v, 0)
	}
	for i, v := range timeline(out, n) {
		b[i] = complex(v, 0)
	}
	fft(a, false)
	fft(b, false)
	for i := range a {
		a[i] = cmplx.Conj(a[i]) * b[i]
	}
	fft(a, true)
	best, lag := math.Inf(-1), 0
	for k := 0; k < 8000; k++ {
		if v := real(a[k]); v > best {
			best, lag = v, k
		}
	}
	return time.Duration(lag) * time.Second / 8000
}
