package sdp

import (
	"strings"
	"testing"

	"github.com/skoip/skoip/media"
)

var dirNames = map[media.Direction]string{
	media.SendRecv: "sendrecv", media.SendOnly: "sendonly", media.RecvOnly: "recvonly", media.Inactive: "inactive",
}

// TestNegotiateTable is RFC 3264 section 6.1 with our wish as a second
// input: rows are the remote direction, columns what we want.
func TestNegotiateTable(t *testing.T) {
	all := []media.Direction{media.SendRecv, media.SendOnly, media.RecvOnly, media.Inactive}
	want := [4][4]media.Direction{
		{media.SendRecv, media.SendOnly, media.RecvOnly, media.Inactive}, // remote sendrecv
		{media.RecvOnly, media.Inactive, media.RecvOnly, media.Inactive}, // remote sendonly
		{media.SendOnly, media.SendOnly, media.Inactive, media.Inactive}, // remote recvonly
		{media.Inactive, media.Inactive, media.Inactive, media.Inactive}, // remote inactive
	}
	for i, remote := range all {
		for j, wish := range all {
			if got := negotiate(remote, wish); got != want[i][j] {
				t.Errorf("negotiate(%s, %s) = %s, want %s",
					dirNames[remote], dirNames[wish], dirNames[got], dirNames[want[i][j]])
			}
		}
	}
}

// reinvite rewrites the direction (and optionally c=) of the baresip offer
// the way a phone putting us on hold does.
func reinvite(t *testing.T, dir, conn string) []byte {
	t.Helper()
	s := string(readOffer(t, "baresip-1.0.0-g711"))
	s = strings.Replace(s, "a=sendrecv", "a="+dir, 1)
	if conn != "" {
		s = strings.Replace(s, "c=IN IP4 192.0.2.2", "c=IN IP4 "+conn, 1)
	}
	return []byte(s)
}

// A call put on hold and resumed by the remote side, in both styles
// (RFC 3264 a=sendonly and RFC 2543 c=0.0.0.0), and by us.
func TestHoldResume(t *testing.T) {
	s := fixedSession("skoip", 9)
	us := door()
	usHold := door()
	usHold.Direction = media.SendOnly
	steps := []struct {
		name    string
		offer   []byte
		local   Local
		dir     media.Direction
		attr    string
		version uint64
	}{
		{"call", reinvite(t, "sendrecv", ""), us, media.SendRecv, "a=sendrecv", 1},
		{"remote hold", reinvite(t, "sendonly", ""), us, media.RecvOnly, "a=recvonly", 2},
		{"remote resume", reinvite(t, "sendrecv", ""), us, media.SendRecv, "a=sendrecv", 3},
		{"old-style hold", reinvite(t, "sendrecv", "0.0.0.0"), us, media.RecvOnly, "a=recvonly", 4},
		{"old-style hold recvonly", reinvite(t, "recvonly", "0.0.0.0"), us, media.Inactive, "a=inactive", 5},
		{"remote inactive", reinvite(t, "inactive", ""), us, media.Inactive, "a=inactive", 5},
		{"remote resume", reinvite(t, "sendrecv", ""), us, media.SendRecv, "a=sendrecv", 6},
		{"we hold while remote offers", reinvite(t, "sendrecv", ""), usHold, media.SendOnly, "a=sendonly", 7},
		{"both hold", reinvite(t, "sendonly", ""), usHold, media.Inactive, "a=inactive", 8},
	}
	for _, st := range steps {
		body, p, err := s.Answer(st.offer, st.local)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if p.Direction != st.dir {
			t.Errorf("%s: direction %s, want %s", st.name, dirNames[p.Direction], dirNames[st.dir])
		}
		if !strings.Contains(string(body), st.attr+"\r\n") {
			t.Errorf("%s: answer lacks %s:\n%s", st.name, st.attr, body)
		}
		if s.Version() != st.version {
			t.Errorf("%s: version %d, want %d", st.name, s.Version(), st.version)
		}
	}
}
