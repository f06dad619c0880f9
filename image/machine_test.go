package sdimage

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// machine is a Raspberry Pi as the image tests see it: the test copy of
// the SD card, a firmware model (firmware) that picks the slot at each
// power-on, and QEMU as the board. A reboot of the guest ends QEMU
// (-no-reboot); the next boot reads what the guest asked for ("0 tryboot")
// from the kernel's last words on the serial console, as the real firmware
// gets it from the reboot mailbox.
type machine struct {
	t       *testing.T
	dir     string
	img     string
	parts   []partition
	sipPort int
	sock    string
	ln      *net.UnixListener
	tryboot bool // the next power-on boots tryboot.txt
	boots   int
	v       *vm
	a       *agent
	slot    string // slot of the current boot
	from    string // the file the firmware model read: config.txt or tryboot.txt
	started time.Time
	// agentAfter: power-on to the agent's connection, host clock.
	agentAfter time.Duration
	machineID  string // the unit's, as the first boot committed it
	// extra files for the slot about to boot (guest path -> content, ""
	// removes); consumed by the next boot.
	extra map[string]string
	// noNetwork: the next boots have no network card.
	noNetwork bool
}

func newMachine(t *testing.T, img, dir string) *machine {
	m := &machine{t: t, dir: dir, img: img, parts: partitions(t, img), sipPort: freeUDPPort(t)}
	m.sock = filepath.Join(dir, "agent.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: m.sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	m.ln = ln
	t.Cleanup(func() {
		m.kill()
		ln.Close()
	})
	return m
}

// powerOn boots the slot the firmware model picks (with the test agent
// put into it) and waits for the agent; it returns the slot.
func (m *machine) powerOn(ctx context.Context) string {
	m.t.Helper()
	m.start(ctx)
	m.waitAgent(ctx)
	return m.slot
}

// start powers on without waiting for anything.
func (m *machine) start(ctx context.Context) {
	t := m.t
	t.Helper()
	m.boots++
	bdir := filepath.Join(m.dir, fmt.Sprintf("boot%d", m.boots))
	if err := os.MkdirAll(bdir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := firmware(t, m.img, m.parts[0], bdir, m.tryboot)
	m.tryboot = false
	m.slot, m.from = b.slot, b.from
	part := m.parts[1]
	if b.slot == "B" {
		part = m.parts[2]
	}
	injectTestFiles(t, m.img, part, m.extra)
	m.extra = nil
	m.started = time.Now()
	m.v = startVM(ctx, t, vmConfig{kernel: b.kernel, initrd: b.initrd, cmdline: b.cmdline, disk: m.img,
		console: filepath.Join(bdir, "console.log"), sipPort: m.sipPort, agentSock: m.sock, noNetwork: m.noNetwork})
}

// waitAgent waits for the agent of the boot start began. A connection
// that QEMU made before it was killed (a power cut before the agent came
// up) may still wait in the listener's queue: it fails at once and the
// next one is taken.
func (m *machine) waitAgent(ctx context.Context) {
	t := m.t
	t.Helper()
	bctx, cancel := context.WithTimeout(ctx, bootTimeout)
	defer cancel()
	for {
		a, err := acceptAgent(bctx, m.ln)
		if err != nil {
			t.Fatalf("boot %d (slot %s from %s): %v\nconsole:\n%s", m.boots, m.slot, m.from, err, m.v.tail())
		}
		// QEMU connects the port at once; the agent answers once the
		// guest has started it.
		if _, _, err := a.sh(bctx, "true"); err != nil {
			a.Close()
			select {
			case <-m.v.done:
				t.Fatalf("boot %d (slot %s from %s): QEMU ended (%v)\nconsole:\n%s", m.boots, m.slot, m.from, m.v.err, m.v.tail())
			default:
			}
			continue
		}
		m.a = a
		break
	}
	m.agentAfter = time.Since(m.started)
	t.Logf("boot %d: slot %s (%s), agent up after %v", m.boots, m.slot, m.from, m.agentAfter.Round(time.Second))
}

// sh runs a script in the guest; a lost agent fails the test.
func (m *machine) sh(ctx context.Context, script string) (string, int) {
	m.t.Helper()
	out, code, err := m.a.sh(ctx, script)
	if err != nil {
		m.t.Fatalf("boot %d: agent: %v\nconsole:\n%s", m.boots, err, m.v.tail())
	}
	return out, code
}

// ready waits until skoip.service is active (READY=1 came) and returns
// how long after the kernel started that was, from the guest's clock.
func (m *machine) ready(ctx context.Context) time.Duration {
	m.t.Helper()
	out, _ := m.sh(ctx, `i=0; while [ $i -lt 600 ]; do
	[ "$(systemctl show -p ActiveState --value skoip.service)" = active ] && break
	sleep 0.5; i=$((i + 1)); done
systemctl show -p ActiveState,SubState,ActiveEnterTimestampMonotonic skoip.service`)
	p := parseProps(out)
	if p["ActiveState"] != "active" {
		m.journal(ctx)
		m.t.Fatalf("boot %d: skoip.service %v, want active", m.boots, p)
	}
	var us int64
	fmt.Sscan(p["ActiveEnterTimestampMonotonic"], &us)
	return time.Duration(us) * time.Microsecond
}

func (m *machine) journal(ctx context.Context) {
	out, _, _ := m.a.sh(ctx, "journalctl -b -u skoip.service -u skoip-slot-check.service -u skoip-slot-confirm.service --no-pager | tail -60")
	m.t.Logf("journal:\n%s", out)
}

var rebootRE = regexp.MustCompile(`reboot: (Restarting system|Power down)(?: with command '([^']*)')?`)

// waitOff waits for the guest to end QEMU by itself (a reboot or a power
// off) and returns "reboot", "tryboot" or "poweroff"; a tryboot is
// remembered for the next power-on.
func (m *machine) waitOff(ctx context.Context, within time.Duration) string {
	m.t.Helper()
	select {
	case <-m.v.done:
	case <-time.After(within):
		m.t.Fatalf("boot %d: the guest did not go down within %v\nconsole:\n%s", m.boots, within, m.v.tail())
	case <-ctx.Done():
		m.t.Fatal(ctx.Err())
	}
	m.closeAgent()
	con, _ := os.ReadFile(m.v.console)
	mm := rebootRE.FindAllStringSubmatch(string(con), -1)
	if mm == nil {
		m.t.Fatalf("boot %d: QEMU ended without a reboot or power-off (%v)\nconsole:\n%s", m.boots, m.v.err, m.v.tail())
	}
	last := mm[len(mm)-1]
	switch {
	case last[1] == "Power down":
		return "poweroff"
	case strings.Contains(last[2], "tryboot"):
		m.tryboot = true
		return "tryboot"
	}
	return "reboot"
}

// powerOff shuts the guest down cleanly.
func (m *machine) powerOff(ctx context.Context) {
	m.t.Helper()
	_, _, _ = m.a.sh(ctx, "systemctl --no-block poweroff")
	if how := m.waitOff(ctx, 5*time.Minute); how != "poweroff" {
		m.t.Fatalf("boot %d: asked to power off, the guest did %s", m.boots, how)
	}
}

// kill cuts the power: QEMU is killed, nothing is flushed.
func (m *machine) kill() {
	if m.v == nil {
		return
	}
	m.v.Close()
	m.closeAgent()
}

func (m *machine) closeAgent() {
	if m.a != nil {
		m.a.Close()
		m.a = nil
	}
}
