package phone_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone"
)

// tortureDir is RFC 4475's messages as shipped in sipgo's module.
func tortureDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github.com/emiago/sipgo@v1.7.3/sip/testdata/torture")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("torture messages: %v", err)
	}
	return dir
}

// firstVia matches the sent-by of the first Via, so that answers come back
// to the test socket instead of the example hosts.
var firstVia = regexp.MustCompile(`(?im)^(via|v)\s*:\s*SIP\s*/\s*[0-9.]+\s*/\s*[A-Z]+\s+([^\s;,]+)`)

func TestRFC4475Torture(t *testing.T) {
	tp := startPhone(t, phone.Config{RingTimeout: 200 * time.Millisecond})
	dir := tortureDir(t)
	for _, kind := range []string{"valid", "invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, kind, "*.dat"))
		if len(files) == 0 {
			t.Fatalf("no %s torture files", kind)
		}
		for _, f := range files {
			name := kind + "/" + strings.TrimSuffix(filepath.Base(f), ".dat")
			t.Run(name, func(t *testing.T) {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				p := newPeer(t, tp.Addr())
				msg := raw
				if loc := firstVia.FindSubmatchIndex(raw); loc != nil {
					msg = append(append(append([]byte(nil), raw[:loc[4]]...), p.addr()...), raw[loc[5]:]...)
				}
				p.send(string(msg))
				code := tortureAnswer(t, p, msg)
				t.Logf("%s -> %d", name, code)
				if why, ok := tortureExceptions[name]; ok {
					t.Logf("allowed: %s", why)
					return
				}
				if kind == "invalid" && code >= 200 && code < 300 {
					t.Errorf("invalid message accepted with %d", code)
				}
			})
		}
	}
	// Still alive and free.
	p := newPeer(t, tp.Addr())
	p.send(p.req(newDialog("after"), "OPTIONS", sip.GenerateBranch(), 1, "", ""))
	p.response(200, sip.OPTIONS)
	if st := tp.Status(); st.State != phone.StateIdle {
		t.Errorf("state after torture %s", st.State)
	}
}

// tortureExceptions are outcomes the checks above would flag, with why they
// are right (or sipgo's and out of our hands).
var tortureExceptions = map[string]string{
	"valid/longreq":     "our answer would exceed sipgo's 1300-byte UDP limit (sip.UDPMTUSize - 200, after RFC 3261 section 18.1.1; sipgo returns ErrUDPMTUCongestion): not sent",
	"valid/wsinv":       "sipgo's parser reads no tag in the folded From (\"tag = 98asjd8\"), and its transaction layer answers 400 itself",
	"invalid/badbranch": "RFC 4475: a branch of only the magic cookie is handled as RFC 2543: 200 to OPTIONS is right",
	"invalid/zeromf":    "RFC 4475: Max-Forwards 0 concerns proxies; a UAS answers the OPTIONS",
}

// tortureAnswer waits for the final answer to msg, or returns 0 when it
// cannot have one (unparsable, or nowhere to send it).
func tortureAnswer(t *testing.T, p *peer, msg []byte) int {
	m, err := sip.ParseMessage(msg)
	if err != nil {
		return 0
	}
	req, ok := m.(*sip.Request)
	if !ok || req.IsAck() || req.Via() == nil || req.CallID() == nil || req.CSeq() == nil {
		return 0
	}
	timeout := time.After(3 * time.Second)
	for {
		select {
		case m := <-p.msgs:
			if r, ok := m.(*sip.Response); ok && r.StatusCode >= 200 {
				return r.StatusCode
			}
		case <-timeout:
			if _, ok := tortureExceptions[t.Name()[len("TestRFC4475Torture/"):]]; !ok {
				t.Errorf("no final response to a parsable request:\n%s", msg)
			}
			return 0
		}
	}
}
