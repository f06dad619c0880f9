package sdimage

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Bounds of the image test (issue 6).
const (
	bootTimeout    = 20 * time.Minute // QEMU TCG on a loaded 2-core machine
	restartBound   = 2 * time.Second  // kill -9 -> new main process
	watchdogBound  = 30 * time.Second // hung loop -> new main process (WatchdogSec=10s)
	maxExposureVM  = 2.5
	optionsTimeout = 30 * time.Second
)

// TestImage boots a copy of $SKOIP_IMAGE (make image-test) in
// qemu-system-aarch64 and checks, from the host and through the test agent:
// skoip.service is active (READY=1) after boot with the config from the FAT
// partition, answers SIP OPTIONS through the port forward on 127.0.0.1,
// comes back within 2 s of a kill -9 and after a hung main loop (watchdog).
func TestImage(t *testing.T) {
	src := os.Getenv("SKOIP_IMAGE")
	if src == "" {
		t.Skip("SKOIP_IMAGE is not set (make image-test)")
	}
	for _, tool := range []string{"qemu-system-aarch64", "sfdisk", "mcopy", "debugfs"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (make deps-image): %v", tool, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 35*time.Minute)
	defer cancel()
	dir := t.TempDir()
	start := time.Now()

	img := filepath.Join(dir, "sd.img")
	command(t, "cp", "--sparse=always", src, img)
	parts := partitions(t, img)
	kernel, initrd := bootFiles(t, img, parts[0], dir)
	testConfig(t, img, parts[0], dir)
	injectTestFiles(t, img, parts[1])
	t.Logf("test copy prepared in %v", time.Since(start).Round(time.Millisecond))

	sock := filepath.Join(dir, "agent.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := freeUDPPort(t)
	v := startVM(ctx, t, vmConfig{kernel: kernel, initrd: initrd, disk: img, sipPort: port, agentSock: sock, dir: dir})
	defer v.Close()
	bootCtx, bootCancel := context.WithTimeout(ctx, bootTimeout)
	defer bootCancel()
	a, err := acceptAgent(bootCtx, ln)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	vmStart := time.Now()

	// Boot: wait for the boot to finish, then look at the service.
	out, code, err := a.sh(bootCtx, "systemctl is-system-running --wait; systemctl show -p ActiveState,SubState,NRestarts,MainPID skoip.service")
	if err != nil {
		t.Fatalf("agent: %v\nconsole:\n%s", err, v.tail())
	}
	t.Logf("boot finished after %v (qemu started %v before the agent connected):\n%s",
		time.Since(vmStart).Round(time.Second), vmStart.Sub(start).Round(time.Second), out)
	_ = code // degraded is reported, the service state is what counts
	if extra := os.Getenv("SKOIP_IMAGE_DIAG"); extra != "" {
		// Extra commands to run in the guest after boot, one per line (debugging).
		for _, c := range strings.Split(extra, "\n") {
			o, rc, _ := a.sh(ctx, c)
			t.Logf("guest$ %s  (exit %d)\n%s", c, rc, o)
		}
	}
	props := parseProps(out)
	if props["ActiveState"] != "active" || props["SubState"] != "running" || props["NRestarts"] != "0" {
		journal(ctx, t, a)
		t.Fatalf("skoip.service after boot: %v, want active/running with no restart", props)
	}
	guestFacts(ctx, t, a)

	sipAddr := "127.0.0.1:" + strconv.Itoa(port)
	checkOptions(ctx, t, sipAddr, "after boot")
	t.Run("Kill9", func(t *testing.T) {
		d := restartAfter(ctx, t, a, "kill -9 \"$pid\"", restartBound)
		t.Logf("kill -9: new main process after %v", d)
		checkOptions(ctx, t, sipAddr, "after kill -9")
	})
	t.Run("WatchdogHungLoop", func(t *testing.T) {
		d := restartAfter(ctx, t, a, "skoip ctl --socket /run/skoip/skoip.sock debug-hang >/dev/null 2>&1 &", watchdogBound)
		t.Logf("hung loop: new main process after %v", d)
		out, _, _ := a.sh(ctx, "journalctl -b -u skoip.service | grep -c 'Watchdog timeout'")
		if n, _ := strconv.Atoi(strings.TrimSpace(out)); n < 1 {
			t.Errorf("no 'Watchdog timeout' in the journal: the restart was not the watchdog's")
		}
		checkOptions(ctx, t, sipAddr, "after the watchdog restart")
	})
	_, _, _ = a.sh(ctx, "systemctl --no-block poweroff")
	select {
	case <-v.done:
	case <-time.After(5 * time.Minute):
		t.Log("guest did not power off in 5 minutes; killing qemu")
	}
	t.Logf("image test took %v", time.Since(start).Round(time.Second))
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
