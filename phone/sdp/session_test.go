package sdp

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/skoip/skoip/media"
)

// originOf returns the o= line of an SDP body.
func originOf(t *testing.T, body []byte) string {
	t.Helper()
	for l := range strings.SplitSeq(string(body), "\r\n") {
		if strings.HasPrefix(l, "o=") {
			return l
		}
	}
	t.Fatalf("no o= line in\n%s", body)
	return ""
}

func TestNewSessionIDs(t *testing.T) {
	a, b := NewSession("x"), NewSession("x")
	if a.ID() == 0 || a.ID() >= 1<<31 || a.ID() == b.ID() {
		t.Errorf("session ids %d, %d: want distinct, in 1..2^31-1", a.ID(), b.ID())
	}
	if a.Version() != 0 {
		t.Errorf("fresh session has version %d", a.Version())
	}
	if got := NewSession("").user; got != "-" {
		t.Errorf("empty user gives o= user %q, want -", got)
	}
}

// The o= version goes up by one exactly when the SDP we send changes
// (RFC 3264 section 8), whether it is an offer or an answer.
func TestVersionChangesOnlyWithContent(t *testing.T) {
	s := fixedSession("skoip", 777)
	l := door()
	hold := door()
	hold.Direction = media.SendOnly
	moved := door()
	moved.Port = 10002
	steps := []struct {
		name    string
		do      func() ([]byte, error)
		version uint64
	}{
		{"first offer", func() ([]byte, error) { return s.Offer(l) }, 1},
		{"same offer again (session refresh)", func() ([]byte, error) { return s.Offer(l) }, 1},
		{"hold", func() ([]byte, error) { return s.Offer(hold) }, 2},
		{"hold again", func() ([]byte, error) { return s.Offer(hold) }, 2},
		{"resume", func() ([]byte, error) { return s.Offer(l) }, 3},
		{"answer to a PCMA-only offer", func() ([]byte, error) {
			b, _, err := s.Answer(readOffer(t, "sipp-uac-pcap"), l)
			return b, err
		}, 4},
		{"same re-INVITE answered again", func() ([]byte, error) {
			b, _, err := s.Answer(readOffer(t, "sipp-uac-pcap"), l)
			return b, err
		}, 4},
		{"failed answer", func() ([]byte, error) {
			_, _, err := s.Answer(readOffer(t, "no-common-codec"), l)
			if !errors.Is(err, ErrNoCommonCodec) {
				t.Fatalf("want ErrNoCommonCodec, got %v", err)
			}
			return nil, nil
		}, 4},
		{"new port", func() ([]byte, error) { return s.Offer(moved) }, 5},
	}
	for _, st := range steps {
		body, err := st.do()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if s.Version() != st.version {
			t.Fatalf("%s: version %d, want %d", st.name, s.Version(), st.version)
		}
		if body != nil {
			want := "o=skoip 777 " + uitoa(st.version) + " IN IP4 192.168.1.10"
			if got := originOf(t, body); got != want {
				t.Fatalf("%s: %q, want %q", st.name, got, want)
			}
		}
	}
}

func uitoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}

func TestAcceptWithoutOffer(t *testing.T) {
	s := NewSession("x")
	if _, err := s.Accept(readOffer(t, "sipp-uac")); !errors.Is(err, ErrNoOffer) {
		t.Errorf("Accept before Offer: %v, want ErrNoOffer", err)
	}
	// An Answer ends any offer of ours.
	if _, err := s.Offer(door()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Answer(readOffer(t, "sipp-uac"), door()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accept(readOffer(t, "sipp-uac")); !errors.Is(err, ErrNoOffer) {
		t.Errorf("Accept after Answer: %v, want ErrNoOffer", err)
	}
}

func TestRemoteRTCPDefault(t *testing.T) {
	s := NewSession("x")
	if s.RemoteRTCP().IsValid() {
		t.Errorf("RemoteRTCP before negotiation = %v", s.RemoteRTCP())
	}
	if _, _, err := s.Answer(readOffer(t, "kamailio-yealink"), door()); err != nil {
		t.Fatal(err)
	}
	if want := netip.MustParseAddrPort("192.168.1.80:11799"); s.RemoteRTCP() != want {
		t.Errorf("RemoteRTCP = %v, want %v", s.RemoteRTCP(), want)
	}
}
