package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

// A hung intercom loop does not silence `skoip ctl status`: it answers
// within loopAnswer and says the loop is not answering.
func TestStatusAnswersWhileTheLoopHangs(t *testing.T) {
	t.Setenv("SKOIP_DEBUG_HOOKS", "1")
	r := newRig(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if _, err := control.Request(ctx, r.path, "debug-hang"); err != nil {
		t.Fatal(err)
	}
	reply, err := control.Request(ctx, r.path, "status")
	if err != nil {
		t.Fatal(err)
	}
	var st status
	if err := json.Unmarshal([]byte(reply), &st); err != nil {
		t.Fatalf("status reply %q: %v", reply, err)
	}
	if !strings.Contains(st.Faults["intercom"], "not answered") || st.State == "" {
		t.Fatalf("status while the loop hangs: %s", reply)
	}
}
