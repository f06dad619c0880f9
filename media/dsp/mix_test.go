package dsp

import (
	"slices"
	"testing"
)

func TestMixIntoSaturates(t *testing.T) {
	dst := []int16{30000, -30000, 100, 7, 1}
	MixInto(dst, []int16{30000, -30000, -50, 0}, 1)
	if want := []int16{32767, -32768, 50, 7, 1}; !slices.Equal(dst, want) {
		t.Errorf("MixInto gain 1 = %v, want %v", dst, want)
	}
	dst = []int16{1000, 32000, -32000}
	MixInto(dst, []int16{1000, 2000, -2000}, 0.5)
	if want := []int16{1500, 32767, -32768}; !slices.Equal(dst, want) {
		t.Errorf("MixInto gain 0.5 = %v, want %v", dst, want)
	}
}

func TestMixAndGain(t *testing.T) {
	a := []int16{1000, 20000, -20000, 3}
	b := []int16{1000, 20000, -20000}
	dst := make([]int16, 4)
	Mix(dst, a, b, 0.5, 1)
	if want := []int16{1500, 30000, -30000, 0}; !slices.Equal(dst, want) {
		t.Errorf("Mix = %v, want %v", dst, want)
	}
	Mix(a, a, b, 1, 1) // in place
	if want := []int16{2000, 32767, -32768, 3}; !slices.Equal(a, want) {
		t.Errorf("Mix in place = %v, want %v", a, want)
	}
	g := []int16{100, -100, 20000}
	ApplyGain(g, 2)
	if want := []int16{200, -200, 32767}; !slices.Equal(g, want) {
		t.Errorf("ApplyGain = %v, want %v", g, want)
	}
}
