package media

import "testing"

// A re-INVITE that switches PCMU to PCMA: both ends encode and decode the
// new codec from then on.
func TestUpdateChangesCodecBothWays(t *testing.T) {
	p := linkParams()
	l := newLink(t, Config{}, Config{}, tone(400, 3000, 8000), tone(600, 3000, 8000), p)
	l.step(20)
	p.Codec, p.PayloadType = "PCMA", 8
	pa, pb := p, p
	pa.Remote, pb.Remote = addrOf(l.strB), addrOf(l.strA)
	must(t, l.strA.Update(pa))
	must(t, l.strB.Update(pb))
	mark := len(l.atB)
	l.step(40)
	for _, w := range l.atB[mark:] {
		if w.pt != 8 {
			t.Fatalf("payload type %d after the switch to PCMA", w.pt)
		}
	}
	outA, outB := l.devA.Played(), l.devB.Played()
	for _, c := range []struct {
		name string
		out  []int16
		f    float64
	}{{"A->B", outB, 400}, {"B->A", outA, 600}} {
		before, after := c.out[5*80:20*80], c.out[30*80:60*80]
		if a := toneAmp(before, c.f); a < 2800 {
			t.Fatalf("%s before the switch: %.0f", c.name, a)
		}
		if a := toneAmp(after, c.f); a < 2800 || rms(after) > 1.05*a/1.414 {
			t.Fatalf("%s after the switch: tone %.0f, rms %.0f: not decoded as PCMA", c.name, a, rms(after))
		}
	}
}
