package sdp

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzAnswer feeds arbitrary offers to Answer: it must never panic, fail
// only with ErrBadSDP, ErrNoCommonCodec or ErrNotAcceptable, and what it answers must parse
// again, keep the offer's m= lines, and be acceptable as an answer.
// Seeds: testdata/fuzz/FuzzAnswer and the offers in testdata/offers.
func FuzzAnswer(f *testing.F) {
	offers, _ := filepath.Glob(filepath.Join("testdata", "offers", "*.sdp"))
	for _, o := range offers {
		if b, err := os.ReadFile(o); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, offer []byte) {
		l := door()
		l.CN = true
		s := NewSession("fuzz")
		body, p, err := s.Answer(offer, l)
		if err != nil {
			if !errors.Is(err, ErrBadSDP) && !errors.Is(err, ErrNoCommonCodec) && !errors.Is(err, ErrNotAcceptable) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkOurs(t, body)
		in, err := parse(offer)
		if err != nil {
			t.Fatalf("answered an offer that does not parse: %v", err)
		}
		out, err := parse(body)
		if err != nil {
			t.Fatalf("answer does not parse again: %v\n%s", err, body)
		}
		if len(out.streams) != len(in.streams) {
			t.Fatalf("%d m= lines answer %d", len(out.streams), len(in.streams))
		}
		checkAnswered(t, out, p.Codec, p.PayloadType, l)
		if p.PTime < 10*time.Millisecond || p.PTime > 60*time.Millisecond || p.PTime%(10*time.Millisecond) != 0 {
			t.Fatalf("ptime %v", p.PTime)
		}
	})
}

// checkAnswered checks that exactly one stream of an answer is live and
// that, read back as an answer, it names the negotiated codec.
func checkAnswered(t *testing.T, out *remote, codec string, pt uint8, l Local) {
	t.Helper()
	live := 0
	for i := range out.streams {
		st := &out.streams[i]
		if st.port == 0 {
			continue
		}
		live++
		c, err := l.check()
		if err != nil {
			t.Fatal(err)
		}
		back, err := accepted(st, c)
		if err != nil {
			t.Fatalf("answer stream not acceptable: %v", err)
		}
		if back.Codec != codec || back.PayloadType != pt {
			t.Fatalf("answer reads back as %s/%d, negotiated %s/%d", back.Codec, back.PayloadType, codec, pt)
		}
	}
	if live != 1 {
		t.Fatalf("%d live streams in the answer", live)
	}
}

// FuzzAccept feeds arbitrary answers to Accept after a real offer.
func FuzzAccept(f *testing.F) {
	answers, _ := filepath.Glob(filepath.Join("testdata", "peer-answers", "*.sdp"))
	for _, a := range answers {
		if b, err := os.ReadFile(a); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(answerHead + "m=audio 7000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"))
	f.Add([]byte(answerHead + "m=audio 7000 RTP/AVP 97\r\na=rtpmap:97 L16/8000\r\na=sendonly\r\n"))
	f.Add([]byte(strings.ReplaceAll(answerHead+"m=audio 0 RTP/AVP 0\r\n", "\r\n", "\n")))
	f.Fuzz(func(t *testing.T, answer []byte) {
		s := NewSession("fuzz")
		if _, err := s.Offer(door()); err != nil {
			t.Fatal(err)
		}
		p, err := s.Accept(answer)
		if err != nil {
			if !errors.Is(err, ErrBadSDP) && !errors.Is(err, ErrNoCommonCodec) && !errors.Is(err, ErrNotAcceptable) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if f, ok := lookupFormat(p.Codec); !ok || !p.Remote.IsValid() || p.ClockRate != f.rate {
			t.Fatalf("params %+v", p)
		}
	})
}
