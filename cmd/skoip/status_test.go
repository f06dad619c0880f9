package main

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/media"
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

// TestMediaStatusCarriesNoNaN: the canceller's figures reach JSON as
// numbers even if one is not finite.
func TestMediaStatusCarriesNoNaN(t *testing.T) {
	st := newMediaStatus(&media.Stats{ERLE: math.NaN(), NoiseDB: math.Inf(-1), EchoDelay: 60 * time.Millisecond})
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"erle_db":0,`) || !strings.Contains(string(b), `"echo_delay_ms":60,`) {
		t.Errorf("status %s", b)
	}
}
