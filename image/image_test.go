package sdimage

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Bounds of the image test (issues 6 and 21).
const (
	bootTimeout = 20 * time.Minute // QEMU TCG on a loaded 2-core machine
	// kill -9 -> new main process: RestartSec=1 and a start; 1.2-1.8 s on
	// an idle host, 2.4 s once with a CI run beside QEMU. The bound catches
	// a unit that does not restart by itself, not a slow host.
	restartBound   = 5 * time.Second
	watchdogBound  = 30 * time.Second // hung loop -> new main process (WatchdogSec=10s)
	maxExposureVM  = 2.5
	optionsTimeout = 30 * time.Second
	cardGrowth     = 768 << 20 // the test's "SD card" is this much bigger than the image
)

// TestImage boots a copy of $SKOIP_IMAGE (make image-test) in
// qemu-system-aarch64 as a Raspberry Pi whose SD card is 768 MiB larger
// than the image, and checks from the host and through the test agent:
//   - the first boot: root read-only, data partition grown to the card,
//     machine ID committed, journal in RAM, boot time to READY broken down;
//   - skoip.service is active (READY=1) with the config from the FAT
//     partition, answers SIP OPTIONS through the port forward on
//     127.0.0.1, comes back within 2 s of a kill -9 and after a hung main
//     loop (watchdog);
//   - updates ($SKOIP_BUNDLE, update_test.go): refused bundles, an update
//     that is kept, one that is rolled back by itself;
//   - power cuts (powercut_test.go).
func TestImage(t *testing.T) {
	src := os.Getenv("SKOIP_IMAGE")
	if src == "" {
		t.Skip("SKOIP_IMAGE is not set (make image-test)")
	}
	bundle := os.Getenv("SKOIP_BUNDLE")
	if bundle == "" {
		t.Fatal("SKOIP_BUNDLE is not set: make image-test names the update bundle of the same build")
	}
	for _, tool := range []string{"qemu-system-aarch64", "sfdisk", "mcopy", "debugfs", "e2fsck", "fsck.fat", "rauc", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (make deps-image): %v", tool, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Minute)
	defer cancel()
	dir := t.TempDir()
	start := time.Now()

	img := filepath.Join(dir, "sd.img")
	command(t, "cp", "--sparse=always", src, img)
	if fi, err := os.Stat(img); err != nil {
		t.Fatal(err)
	} else if err := os.Truncate(img, fi.Size()+cardGrowth); err != nil {
		t.Fatal(err)
	}
	parts := partitions(t, img)
	testConfig(t, img, parts[0], dir)
	srv := serveBundles(t, bundle, filepath.Join(dir, "bundles"))
	t.Logf("test copy and bundles prepared in %v", time.Since(start).Round(time.Second))

	m := newMachine(t, img, dir)
	if slot := m.powerOn(ctx); slot != "A" {
		t.Fatalf("the first boot is slot %s, want A", slot)
	}
	readyAt := m.ready(ctx)
	out, _ := m.sh(ctx, "systemctl is-system-running --wait; systemctl show -p ActiveState,SubState,NRestarts,MainPID skoip.service")
	t.Logf("first boot: skoip READY %v after the kernel started; then:\n%s", readyAt.Round(time.Millisecond), out)
	if extra := os.Getenv("SKOIP_IMAGE_DIAG"); extra != "" {
		// Extra commands to run in the guest after boot, one per line (debugging).
		for _, c := range strings.Split(extra, "\n") {
			o, rc := m.sh(ctx, c)
			t.Logf("guest$ %s  (exit %d)\n%s", c, rc, o)
		}
	}
	props := parseProps(out)
	if props["ActiveState"] != "active" || props["SubState"] != "running" || props["NRestarts"] != "0" {
		m.journal(ctx)
		t.Fatalf("skoip.service after boot: %v, want active/running with no restart", props)
	}
	firstBoot(ctx, t, m)
	bootTime(ctx, t, m, "first boot")
	guestFacts(ctx, t, m.a)

	sipAddr := "127.0.0.1:" + strconv.Itoa(m.sipPort)
	checkOptions(ctx, t, sipAddr, "after boot")
	if !t.Run("Kill9", func(t *testing.T) {
		d := restartAfter(ctx, t, m.a, "kill -9 \"$pid\"", restartBound)
		t.Logf("kill -9: new main process after %v", d)
		checkOptions(ctx, t, sipAddr, "after kill -9")
	}) {
		return
	}
	if !t.Run("WatchdogHungLoop", func(t *testing.T) {
		d := restartAfter(ctx, t, m.a, "skoip ctl --socket /run/skoip/skoip.sock debug-hang >/dev/null 2>&1 &", watchdogBound)
		t.Logf("hung loop: new main process after %v", d)
		out, _, _ := m.a.sh(ctx, "journalctl -b -u skoip.service | grep -c 'Watchdog timeout'")
		if n, _ := strconv.Atoi(strings.TrimSpace(out)); n < 1 {
			t.Errorf("no 'Watchdog timeout' in the journal: the restart was not the watchdog's")
		}
		checkOptions(ctx, t, sipAddr, "after the watchdog restart")
	}) {
		return
	}
	// The phases below reboot the machine: each leaves it up, READY.
	// $SKOIP_IMAGE_PHASES (a comma list of their names, in the order to
	// run) picks some of them; unset, all run in this order.
	phases := []imagePhase{
		{"UpdateRefused", updateRefused},
		{"UpdateKept", updateKept},
		{"UpdateRolledBack", updateRolledBack},
		{"BootWithoutNetwork", bootWithoutNetwork},
		{"BrokenConfig", brokenConfig},
		{"PowerCuts", powerCuts},
	}
	if only := os.Getenv("SKOIP_IMAGE_PHASES"); only != "" {
		var picked []imagePhase
		for _, name := range strings.Split(only, ",") {
			i := slices.IndexFunc(phases, func(p imagePhase) bool { return p.name == name })
			if i < 0 {
				t.Fatalf("SKOIP_IMAGE_PHASES: no phase %q", name)
			}
			picked = append(picked, phases[i])
		}
		phases = picked
	}
	for _, phase := range phases {
		if !t.Run(phase.name, func(t *testing.T) {
			m.t = t
			defer func() { m.t = nil }()
			phase.run(ctx, t, m, srv)
		}) {
			return
		}
	}
	m.t = t
	m.powerOff(ctx)
	fsckAll(t, m, "after the last clean power-off")
	t.Logf("image test took %v, %d boots", time.Since(start).Round(time.Second), m.boots)
}

// imagePhase is a part of TestImage that may reboot the machine and
// leaves it up, READY.
type imagePhase struct {
	name string
	run  func(context.Context, *testing.T, *machine, *bundleServer)
}

// firstBoot checks what the first boot of the card sets up.
func firstBoot(ctx context.Context, t *testing.T, m *machine) {
	t.Helper()
	out, _ := m.sh(ctx, `findmnt -n -o OPTIONS /; findmnt -n -o OPTIONS /data
df -B1M --output=size /data | tail -1
mountpoint -q /etc/machine-id && echo transient || echo committed; cat /etc/machine-id
test -d /run/log/journal && echo journal-ram; test -d /var/log/journal && echo journal-disk
skoip slot status
journalctl -b -u skoip-firstboot.service -o cat --no-pager`)
	t.Logf("first boot:\n%s", out)
	l := strings.Split(out, "\n")
	if len(l) < 6 {
		t.Fatalf("first boot facts: %q", out)
	}
	if !strings.HasPrefix(l[0], "ro,") {
		t.Errorf("/ is mounted %s, want read-only", l[0])
	}
	if !strings.HasPrefix(l[1], "rw,") {
		t.Errorf("/data is mounted %q, want read-write", l[1])
	}
	if mb, _ := strconv.Atoi(strings.TrimSpace(l[2])); mb < cardGrowth>>20 {
		t.Errorf("/data is %d MiB: not grown to the card (+%d MiB)", mb, cardGrowth>>20)
	}
	if l[3] != "committed" || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(l[4]) {
		t.Errorf("machine ID %s %q, want committed, 32 hex digits", l[3], l[4])
	}
	if !strings.Contains(out, "journal-ram") || strings.Contains(out, "journal-disk") {
		t.Errorf("the journal is not in RAM only")
	}
	if !strings.Contains(out, "booted A, committed A, trying none") {
		t.Errorf("slot status after the first boot: %q", out)
	}
	m.machineID = l[4]
	if out, _ := m.sh(ctx, "systemd-analyze verify skoip-slot-check.service skoip-slot-confirm.service skoip-firstboot.service 2>&1"); strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify of the A/B units is not clean:\n%s", out)
	}
	// A read-only root must not leave units failing at boot (a write to
	// /var that nobody redirected).
	if out, _ := m.sh(ctx, "systemctl --failed --no-legend --plain"); strings.TrimSpace(out) != "" {
		fl, _ := m.sh(ctx, "for u in $(systemctl --failed --no-legend --plain | cut -d' ' -f1); do journalctl -b -u $u -o cat --no-pager | tail -5; done")
		t.Errorf("failed units after the first boot:\n%s\n%s", out, fl)
	}
}

// bootTime logs the boot broken down as the guest saw it: kernel and
// initramfs, user space, the first DHCP lease, skoip READY.
func bootTime(ctx context.Context, t *testing.T, m *machine, when string) {
	t.Helper()
	out, _ := m.sh(ctx, `systemd-analyze time 2>&1 | head -1
echo "skoip READY at $(($(systemctl show -p ActiveEnterTimestampMonotonic --value skoip.service) / 1000)) ms"
echo "network: $(journalctl -b -o short-monotonic -u systemd-networkd --no-pager | grep -m1 'DHCPv4 address')"
systemd-analyze blame --no-pager | head -8`)
	t.Logf("boot time (%s, QEMU TCG, host power-on to agent %v):\n%s", when, m.agentAfter.Round(time.Second), out)
}

func parseProps(out string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[k] = v
		}
	}
	return m
}

func journal(ctx context.Context, t *testing.T, a *agent) {
	out, _, _ := a.sh(ctx, "journalctl -b -u skoip.service --no-pager | tail -40")
	t.Logf("journal of skoip.service:\n%s", out)
}

func checkOptions(ctx context.Context, t *testing.T, addr, when string) {
	t.Helper()
	octx, cancel := context.WithTimeout(ctx, optionsTimeout)
	defer cancel()
	begin := time.Now()
	resp, err := options(octx, addr)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	if resp.status != "SIP/2.0 200 OK" || !strings.Contains(resp.headers["allow"], "INVITE") {
		t.Fatalf("%s: OPTIONS answered %q (Allow %q), want 200 OK allowing INVITE", when, resp.status, resp.headers["allow"])
	}
	t.Logf("%s: OPTIONS -> %s in %v", when, resp.status, time.Since(begin).Round(time.Millisecond))
}

// guestFacts checks, inside the guest, what only the guest can see.
func guestFacts(ctx context.Context, t *testing.T, a *agent) {
	t.Helper()
	pid := "$(systemctl show -p MainPID --value skoip.service)"
	out, _, _ := a.sh(ctx, "journalctl -b -u skoip.service -o cat | grep -m1 'skoip starting'")
	if !strings.Contains(out, "config=/boot/firmware/skoip.toml") {
		t.Errorf("the service did not read /boot/firmware/skoip.toml: %q", out)
	}
	out, _, _ = a.sh(ctx, "systemd-analyze verify skoip.service 2>&1")
	if strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify in the image is not clean:\n%s", out)
	}
	out, _, _ = a.sh(ctx, "systemd-analyze security --no-pager skoip.service | tail -1")
	m := regexp.MustCompile(`exposure level for skoip\.service: ([0-9.]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Errorf("no exposure level: %q", out)
	} else if s, _ := strconv.ParseFloat(m[1], 64); s > maxExposureVM {
		t.Errorf("exposure %.1f > %.1f in the image", s, maxExposureVM)
	} else {
		t.Logf("systemd-analyze security in the image: exposure %s", m[1])
	}
	out, _, _ = a.sh(ctx, "for g in $(awk '/^Groups:/{$1=\"\"; print}' /proc/"+pid+"/status); do getent group $g | cut -d: -f1; done | sort | tr '\\n' ' '")
	for _, g := range []string{"audio", "gpio"} {
		if !strings.Contains(" "+out, " "+g+" ") {
			t.Errorf("main process groups %q lack %s", out, g)
		}
	}
	// The udev rule gives the GPIO chips (QEMU virt has a PL061) to gpio.
	out, _, _ = a.sh(ctx, "stat -c '%n %G %a' /dev/gpiochip*")
	if !strings.Contains(out, "/dev/gpiochip0 gpio 660") {
		t.Errorf("GPIO chip permissions: %q, want /dev/gpiochip0 gpio 660", out)
	}
	sandboxedDevices(ctx, t, a)
	// QEMU gives the guest a sound card (intel-hda): the sandboxed service
	// must open it, not fall back to the null backend.
	out, _, _ = a.sh(ctx, "ls /dev/snd/ 2>/dev/null | tr '\\n' ' '; echo; ls -l /proc/"+pid+"/fd | grep -c /dev/snd/")
	t.Logf("guest /dev/snd and the service's open sound devices: %s", out)
	if lines := strings.Split(out, "\n"); len(lines) == 2 && strings.Contains(lines[0], "pcmC") {
		if n, _ := strconv.Atoi(strings.TrimSpace(lines[1])); n == 0 {
			t.Errorf("the guest has a sound card but the sandboxed service holds no /dev/snd device open")
		}
		out, _, _ = a.sh(ctx, "journalctl -b -u skoip.service -o cat | grep 'audio device open' | tail -1")
		if !strings.Contains(out, "backend=alsa") {
			t.Errorf("the service did not open the sound card: %q", out)
		}
	}
}

// restartAfter runs action in the guest (with $pid = the main PID) and
// returns how long until systemd has a new main process, measured in the
// guest; it fails the test past bound and checks the unit is active again.
func restartAfter(ctx context.Context, t *testing.T, a *agent, action string, bound time.Duration) time.Duration {
	t.Helper()
	// The restart is timed from the kernel's monotonic clock before the
	// action (/proc/timer_list) to systemd's monotonic start time of the new
	// main process, so the polling below adds nothing to it.
	script := `pid=$(systemctl show -p MainPID --value skoip.service)
m0=$(awk '/^now at/ {print $3; exit}' /proc/timer_list)
t0=$(date +%s%N)
` + action + `
i=0
while [ $i -lt 3000 ]; do
	p=$(systemctl show -p MainPID --value skoip.service)
	if [ "$p" != 0 ] && [ "$p" != "$pid" ]; then break; fi
	i=$((i + 1))
done
m1=$(systemctl show -p ExecMainStartTimestampMonotonic --value skoip.service)
systemctl start skoip.service   # returns once READY=1 came (it is already starting)
t2=$(date +%s%N)
echo "old=$pid new=$p restart_ms=$(( (m1 * 1000 - m0) / 1000000 )) ready_ms=$(( (t2 - t0) / 1000000 ))"
systemctl show -p ActiveState,SubState,NRestarts skoip.service`
	out, _, err := a.sh(ctx, script)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", out)
	p := parseProps(strings.ReplaceAll(strings.SplitN(out, "\n", 2)[0], " ", "\n"))
	if p["new"] == p["old"] || p["new"] == "0" {
		journal(ctx, t, a)
		t.Fatalf("no new main process: %s", out)
	}
	ms, _ := strconv.Atoi(p["restart_ms"])
	d := time.Duration(ms) * time.Millisecond
	if d > bound {
		t.Errorf("new main process after %v, want within %v", d, bound)
	}
	if props := parseProps(out); props["ActiveState"] != "active" {
		journal(ctx, t, a)
		t.Errorf("after the restart: %v, want active", props)
	}
	return d
}

// sandboxedDevices runs `skoip devices` in the service's own sandbox (a
// copy of the installed unit as a oneshot, without the runtime directory
// that the running service owns) and checks that it reaches the GPIO chip
// and the sound card: DevicePolicy/DeviceAllow and the groups let them in.
func sandboxedDevices(ctx context.Context, t *testing.T, a *agent) {
	t.Helper()
	out, code, _ := a.sh(ctx, `sed -e 's|^ExecStart=.*|ExecStart=/usr/bin/skoip devices|' -e 's|^Type=notify|Type=oneshot|' \
	-e '/^NotifyAccess=/d' -e '/^WatchdogSec=/d' -e '/^Restart=/d' -e '/^RuntimeDirectory/d' \
	/lib/systemd/system/skoip.service >/run/systemd/system/skoip-devices.service
systemctl daemon-reload
systemctl start skoip-devices.service
journalctl -u skoip-devices.service -o cat --no-pager`)
	t.Logf("skoip devices in the service's sandbox (exit %d):\n%s", code, out)
	if !strings.Contains(out, "GPIO chip gpiochip0") {
		t.Errorf("the sandbox hides the GPIO chip")
	}
	if !strings.Contains(out, "HDA Intel") {
		t.Errorf("the sandbox hides the sound card")
	}
}

// bootWithoutNetwork boots with no network card (a cable that is out, no
// DHCP server) twice: with skoip.service ordered after
// network-online.target, as it was, and as it is. READY must not wait for
// the network: judged by the order of the two events in the guest (READY
// before network-online.target, which systemd-networkd-wait-online holds
// up to its 60 s timeout), not by durations, which a loaded host
// stretches; the times are logged.
func bootWithoutNetwork(ctx context.Context, t *testing.T, m *machine, _ *bundleServer) {
	const dropIn = "/etc/systemd/system/skoip.service.d/old-ordering.conf"
	m.noNetwork = true
	defer func() { m.noNetwork = false }()
	var ready [2]time.Duration
	for i, old := range []bool{true, false} {
		m.powerOff(ctx)
		m.extra = map[string]string{dropIn: ""}
		if old {
			m.extra[dropIn] = "# Test: the ordering before issue 21.\n[Unit]\nWants=network-online.target\nAfter=network-online.target\n"
		}
		m.powerOn(ctx)
		ready[i] = m.ready(ctx)
		out, _ := m.sh(ctx, "systemctl start network-online.target; systemctl show -p ActiveEnterTimestampMonotonic --value network-online.target")
		var us int64
		fmt.Sscan(strings.TrimSpace(out), &us)
		online := time.Duration(us) * time.Microsecond
		bootTime(ctx, t, m, fmt.Sprintf("no network, after network-online.target: %v", old))
		t.Logf("no network card, ordered after network-online.target: %v: READY %v, network-online.target %v",
			old, ready[i].Round(time.Millisecond), online.Round(time.Millisecond))
		switch {
		case old && ready[i] < online:
			t.Errorf("with the old ordering READY (%v) came before network-online.target (%v): the test proves nothing", ready[i], online)
		case !old && ready[i] >= online:
			t.Errorf("READY (%v) waited for network-online.target (%v)", ready[i], online)
		}
	}
	t.Logf("READY without a network: %v ordered after network-online.target (before), %v now",
		ready[0].Round(time.Millisecond), ready[1].Round(time.Millisecond))
	m.powerOff(ctx)
	m.extra = map[string]string{dropIn: ""}
	m.powerOn(ctx)
	m.ready(ctx)
}

// brokenConfig: skoip.toml on the FAT partition broken on a PC (here: a
// line appended that is not TOML) does not stop the door: the service runs
// on the last good copy, READY, with the fault "config" in its status and
// in the boot's summary line; the file put back, the fault goes.
func brokenConfig(ctx context.Context, t *testing.T, m *machine, _ *bundleServer) {
	m.powerOff(ctx)
	good := filepath.Join(m.dir, "skoip.toml.good")
	command(t, "mcopy", "-n", "-o", "-i", fat(m.img, m.parts[0]), "::skoip.toml", good)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(m.dir, "skoip.toml.broken")
	if err := os.WriteFile(broken, append(data, []byte("\r\n[door\r\ncode = 1234\r\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	command(t, "mcopy", "-o", "-i", fat(m.img, m.parts[0]), broken, "::skoip.toml")
	m.powerOn(ctx)
	at := m.ready(ctx)
	out, _ := m.sh(ctx, `skoip ctl --socket /run/skoip/skoip.sock status | grep -o '"faults":{[^}]*}'
systemctl start skoip-slot-confirm.service; journalctl -b -u skoip-slot-confirm.service -o cat --no-pager | grep '^SKOIP'
journalctl -b -u skoip.service -o cat --no-pager | grep -m1 'last good'`)
	t.Logf("broken skoip.toml: READY %v after the kernel:\n%s", at.Round(time.Millisecond), out)
	if !strings.Contains(out, `"config":`) || !strings.Contains(out, "self-check FAILED: fault config") ||
		!strings.Contains(out, "running on the last good configuration") {
		t.Errorf("the broken config is not reported as the fault config")
	}
	m.powerOff(ctx)
	command(t, "mcopy", "-o", "-i", fat(m.img, m.parts[0]), good, "::skoip.toml")
	m.powerOn(ctx)
	m.ready(ctx)
	if out, _ := m.sh(ctx, "skoip ctl --socket /run/skoip/skoip.sock status | grep -o '\"faults\":{[^}]*}'"); strings.Contains(out, "config") {
		t.Errorf("the fault stays after the file is mended: %s", out)
	}
}
