package sdp

import "testing"

// Offer/answer runs once per call or re-INVITE, not per frame; these
// benchmarks only keep its cost in view.
func BenchmarkAnswer(b *testing.B) {
	offer := readOffer(b, "linphone-5")
	l := door()
	s := NewSession("bench")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Answer(offer, l); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOfferAccept(b *testing.B) {
	answer := readOffer(b, "baresip-1.0.0-g711")
	l := door()
	s := NewSession("bench")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Offer(l); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Accept(answer); err != nil {
			b.Fatal(err)
		}
	}
}
