package speechq

import (
	"math"
	"testing"
)

func TestNCC(t *testing.T) {
	a := []int16{100, -200, 300, -400}
	half := []int16{50, -100, 150, -200}
	neg := []int16{-100, 200, -300, 400}
	for _, c := range []struct {
		name string
		b    []int16
		want float64
	}{{"copy at half gain", half, 1}, {"inverted", neg, -1}, {"silence", make([]int16, 4), 0}} {
		if got := NCC(a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: NCC = %v, want %v", c.name, got, c.want)
		}
	}
}
