package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/sippeer"
)

// messagesReply is `skoip ctl messages`.
type messagesReply struct {
	Messages []struct {
		ID        string  `json:"id"`
		DurationS float64 `json:"duration_s"`
		Bytes     int64   `json:"bytes"`
	} `json:"messages"`
}

func (n *node) messages() messagesReply {
	n.t.Helper()
	out, err := n.ctl("messages")
	if err != nil {
		n.t.Fatalf("ctl messages: %v: %s", err, out)
	}
	var r messagesReply
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		n.t.Fatalf("ctl messages: %v: %s", err, out)
	}
	return r
}

// TestVoiceMessage: a press that nobody answers (the peer is busy) plays the no-answer and leave-a-message prompts, then records
// the visitor (the door's microphone: door.wav) for voicemail.max_length;
// the message is the visitor's speech, and ctl messages lists, plays and
// deletes it.
func TestVoiceMessage(t *testing.T) {
	h := host{ip: "127.0.0.1"}
	door := startNode(t, "door", h, testdata("door.wav"), settings{
		"peer.address":           q(sippeer.Busy(t).String()),
		"voicemail.enabled":      "true",
		"voicemail.max_length":   q("5s"),
		"voicemail.silence":      q("3s"),
		"voicemail.max_messages": "2",
	})
	for k := 1; k <= 3; k++ {
		door.mustCtl("press", "call")
		time.Sleep(100 * time.Millisecond) // longer than the button's debounce
		door.mustCtl("release", "call")
		deadline := time.Now().Add(20 * time.Second)
		for strings.Count(door.logText(), "voice message recorded") < k {
			if time.Now().After(deadline) {
				t.Fatalf("message %d was not recorded", k)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	msgs := door.messages().Messages
	if len(msgs) != 2 {
		t.Fatalf("%d messages kept, want voicemail.max_messages = 2: %+v", len(msgs), msgs)
	}
	m := msgs[len(msgs)-1]
	if m.DurationS < 4.5 || m.DurationS > 5.01 {
		t.Errorf("message of %.2f s, want about voicemail.max_length (5 s)", m.DurationS)
	}
	rec := mustReadWAV(t, filepath.Join(door.dir, "state", "messages", m.ID+".wav"))
	src := mustReadWAV(t, testdata("door.wav"))
	if c := correlate(rec, src, 1600, 40); c.Median < goodCorr {
		t.Errorf("the message is not the visitor's speech: %v", c)
	} else {
		t.Logf("message %s: %.2f s, %v", m.ID, m.DurationS, c)
	}
	door.mustCtl("messages", "play", m.ID)
	if out, err := door.ctl("messages", "delete", "../skoip.toml"); err == nil || !strings.Contains(out, "not a message ID") {
		t.Errorf("delete of a path: %v: %s", err, out)
	}
	door.mustCtl("messages", "delete", m.ID)
	if left := door.messages().Messages; len(left) != 1 || left[0].ID == m.ID {
		t.Errorf("after delete: %+v", left)
	}
}
