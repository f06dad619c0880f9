package sdimage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/sippeer"
)

// powerCuts cuts the power ($SKOIP_POWERCUTS times, 20 unless set) at a
// random moment: during boot, while the intercom writes its state (do not
// disturb switched, calls ending and written to the call history), or
// during an update. After each cut the card's file systems are checked
// from the host, and the next boot must reach READY with the machine ID,
// the TLS identity and the config unchanged, the do-not-disturb state
// either value and the call history readable.
func powerCuts(ctx context.Context, t *testing.T, m *machine, b *bundleServer) {
	n := 20
	if s := os.Getenv("SKOIP_POWERCUTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	busy := sippeer.Busy(t).Port // the guest reaches it as 10.0.2.2
	ref := identityOf(ctx, m)
	kinds := []string{"boot", "state", "update"}
	counts := map[string]int{}
	for i := 0; i < n; i++ {
		kind := kinds[i%len(kinds)]
		counts[kind]++
		var at time.Duration
		switch kind {
		case "boot":
			// Anywhere from the kernel to the service's start: the agent
			// is up after about as long as the last boot took.
			m.kill()
			m.start(ctx)
			at = time.Duration(rand.Int64N(int64(m.agentAfter+10*time.Second))) + time.Second
			time.Sleep(at)
		case "state":
			m.sh(ctx, fmt.Sprintf(`(i=0; while :; do
	skoip ctl --socket /run/skoip/skoip.sock dnd on; skoip ctl --socket /run/skoip/skoip.sock dnd off
	skoip ctl --socket /run/skoip/skoip.sock call sip:busy@10.0.2.2:%d; i=$((i + 1)); sleep 0.2
done) >/dev/null 2>&1 &`, busy))
			at = time.Duration(rand.Int64N(int64(8*time.Second))) + 2*time.Second
			time.Sleep(at)
		case "update":
			m.sh(ctx, "(skoip update --no-reboot "+b.url("good.raucb")+" >/dev/null 2>&1 &)")
			at = time.Duration(rand.Int64N(int64(90*time.Second))) + 5*time.Second
			time.Sleep(at)
		}
		m.kill()
		t.Logf("power cut %d/%d: %s, %v in", i+1, n, kind, at.Round(100*time.Millisecond))
		stale := fsckAll(t, m, fmt.Sprintf("after power cut %d (%s)", i+1, kind))
		m.powerOn(ctx)
		m.ready(ctx)
		if stale {
			// The boot's check of the FAT saw the stale count and mended it.
			out, _ := m.sh(ctx, `journalctl -b -o cat -u 'systemd-fsck@dev-disk-by\x2dlabel-SKOIPBOOT.service'`)
			t.Logf("the boot's fsck of the FAT:\n%s", lastLines(out, 8))
			if !strings.Contains(out, "Free cluster summary wrong") {
				t.Errorf("after power cut %d the boot's fsck.fat did not mend the FAT's free-cluster count", i+1)
			}
		}
		afterCut(ctx, t, m, ref, i+1)
		if t.Failed() {
			return
		}
	}
	t.Logf("%d power cuts (%v): every next boot READY, state intact, fsck clean", n, counts)
}

// identityOf is what must not change across power cuts.
func identityOf(ctx context.Context, m *machine) string {
	out, _ := m.sh(ctx, "cat /etc/machine-id; sha256sum /var/lib/skoip/tls.key /var/lib/skoip/tls.crt /boot/firmware/skoip.toml")
	return out
}

func afterCut(ctx context.Context, t *testing.T, m *machine, ref string, i int) {
	t.Helper()
	if got := identityOf(ctx, m); got != ref {
		t.Errorf("after power cut %d the identity or config changed:\nwas %s\nnow %s", i, ref, got)
	}
	out, code := m.sh(ctx, `s=/run/skoip/skoip.sock
skoip ctl --socket $s status | grep -o '"dnd":[a-z]*'
skoip ctl --socket $s calls --json >/dev/null && echo history-ok
skoip slot status
findmnt -n -o OPTIONS / | cut -d, -f1`)
	if code != 0 || !strings.Contains(out, "history-ok") || !strings.Contains(out, `"dnd":`) {
		m.journal(ctx)
		t.Errorf("after power cut %d: %q (exit %d)", i, out, code)
	}
	if !strings.HasSuffix(out, "ro") {
		t.Errorf("after power cut %d the root is not read-only: %q", i, out)
	}
}
