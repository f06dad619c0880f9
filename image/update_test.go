package sdimage

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// bundleServer serves the test's update bundles over HTTP on 127.0.0.1;
// the guest reaches it through QEMU's user network as 10.0.2.2.
type bundleServer struct {
	srv   *httptest.Server
	files map[string]string // name -> host path
}

// url is the guest's URL of a bundle.
func (b *bundleServer) url(name string) string {
	_, port, _ := net.SplitHostPort(b.srv.Listener.Addr().String())
	return "http://10.0.2.2:" + port + "/" + name
}

// signingKeys are the key and certificate bundle.sh signed with, which the
// image trusts: $SKOIP_BUNDLE_KEY/$SKOIP_BUNDLE_CERT, else the development
// pair in $SKOIP_CACHE/keys.
func signingKeys(t *testing.T) (key, cert string) {
	key, cert = os.Getenv("SKOIP_BUNDLE_KEY"), os.Getenv("SKOIP_BUNDLE_CERT")
	if key == "" {
		cache := os.Getenv("SKOIP_CACHE")
		if cache == "" {
			cache = "/var/cache/skoip-test"
		}
		key, cert = filepath.Join(cache, "keys", "dev.key.pem"), filepath.Join(cache, "keys", "dev.cert.pem")
	}
	for _, f := range []string{key, cert} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("signing key: %v (make bundle makes the development pair)", err)
		}
	}
	return key, cert
}

// serveBundles makes the bad bundles next to the good one and serves them:
//
//	good.raucb       $SKOIP_BUNDLE (make bundle)
//	broken.raucb     the good root with skoip.service never becoming READY,
//	                 signed with the same key
//	badsig.raucb     a small bundle signed by a key the image does not trust
//	foreign.raucb    a small bundle for another product (compatible), signed
//	                 with the right key
//	truncated.raucb  the first half of good.raucb
func serveBundles(t *testing.T, good, dir string) *bundleServer {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	key, cert := signingKeys(t)
	b := &bundleServer{files: map[string]string{"good.raucb": good}}

	// broken: extract, add a drop-in that keeps skoip from READY, re-sign.
	ex := filepath.Join(dir, "broken")
	command(t, "rauc", "extract", "--keyring", cert, good, ex)
	dropIn := filepath.Join(dir, "never-ready.conf")
	if err := os.WriteFile(dropIn, []byte("# Test bundle: skoip never reports READY.\n[Service]\nExecStart=\nExecStart=/bin/sleep infinity\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "broken.debugfs")
	if err := os.WriteFile(script, []byte("mkdir /etc/systemd/system/skoip.service.d\nwrite "+dropIn+
		" /etc/systemd/system/skoip.service.d/never-ready.conf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	command(t, "debugfs", "-w", "-f", script, filepath.Join(ex, "rootfs.ext4"))
	b.files["broken.raucb"] = filepath.Join(dir, "broken.raucb")
	command(t, "rauc", "bundle", "--cert", cert, "--key", key, ex, b.files["broken.raucb"])
	if err := os.RemoveAll(ex); err != nil {
		t.Fatal(err)
	}

	// Small bundles: 64 KiB of noise as the root image.
	small := func(name, compatible, key, cert string) {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		noise := make([]byte, 64<<10)
		rand.Read(noise)
		manifest := fmt.Sprintf("[update]\ncompatible=%s\nversion=0.0.0-test\n\n[bundle]\nformat=verity\n\n"+
			"[image.rootfs]\nfilename=rootfs.ext4\n", compatible)
		if err := os.WriteFile(filepath.Join(d, "rootfs.ext4"), noise, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "manifest.raucm"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name+".raucb")
		command(t, "rauc", "bundle", "--cert", cert, "--key", key, d, out)
		b.files[name+".raucb"] = out
	}
	otherKey, otherCert := filepath.Join(dir, "other.key"), filepath.Join(dir, "other.cert")
	command(t, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
		"-keyout", otherKey, "-out", otherCert, "-subj", "/CN=not the SKOIP signing key")
	small("badsig", "skoip-rpi-arm64", otherKey, otherCert)
	small("foreign", "another-product", key, cert)

	// truncated: half of the good bundle.
	src, err := os.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	fi, _ := src.Stat()
	b.files["truncated.raucb"] = filepath.Join(dir, "truncated.raucb")
	dst, err := os.Create(b.files["truncated.raucb"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(dst, src, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	dst.Close()

	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := b.files[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, p)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// state is what must survive updates and power cuts: the machine ID, the
// FAT partition's skoip.toml and the state folder's files, as checksums.
func state(ctx context.Context, m *machine) string {
	out, _ := m.sh(ctx, "cat /etc/machine-id; cd /var/lib/skoip && sha256sum /boot/firmware/skoip.toml tls.key tls.crt dnd.json 2>&1")
	return out
}

// updateFault is the intercom's fault "update" ("" for none), from `ctl
// status`.
func updateFault(ctx context.Context, t *testing.T, m *machine) string {
	out, code := m.sh(ctx, "skoip ctl --socket /run/skoip/skoip.sock status")
	var st struct {
		Faults map[string]string `json:"faults"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &st); code != 0 || err != nil {
		t.Errorf("ctl status (exit %d): %q: %v", code, out, err)
	}
	return st.Faults["update"]
}

// waitUpdateFault is updateFault once ok holds, or after 10 s: the
// intercom takes a reported fault on its loop, after the reply.
func waitUpdateFault(ctx context.Context, t *testing.T, m *machine, ok func(string) bool) string {
	for i := 0; ; i++ {
		f := updateFault(ctx, t, m)
		if ok(f) || i == 20 {
			return f
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// updateRefused: bundles that must not install are refused with the
// reason, and the unit keeps running its slot untouched.
func updateRefused(ctx context.Context, t *testing.T, m *machine, b *bundleServer) {
	before, _ := m.sh(ctx, "skoip slot status")
	for _, c := range []struct{ name, why string }{
		{"badsig.raucb", "signature"},
		{"foreign.raucb", "compatible"},
		{"truncated.raucb", "invalid bundle format"},
	} {
		out, code := m.sh(ctx, "skoip update --no-reboot "+b.url(c.name)+" 2>&1")
		t.Logf("skoip update %s: exit %d\n%s", c.name, code, lastLines(out, 6))
		if code == 0 || !strings.Contains(out, "was refused") {
			t.Errorf("%s: exit %d, want refused", c.name, code)
		}
		// skoip's own line carries RAUC's reason (it is what the fault
		// "update" records).
		_, own, _ := strings.Cut(out, "skoip update: ")
		if c.why != "" && !strings.Contains(strings.ToLower(own), c.why) {
			t.Errorf("%s: skoip's refusal %q does not say %q", c.name, own, c.why)
		}
	}
	// A download that does not fit: --dir on a 16 MiB file system.
	out, code := m.sh(ctx, "mkdir -p /run/small && mount -t tmpfs -o size=16M tmpfs /run/small && "+
		"skoip update --no-reboot --dir /run/small "+b.url("good.raucb")+" 2>&1; echo \"exit $?\"; ls -A /run/small | wc -l; umount /run/small")
	t.Logf("skoip update into a full folder:\n%s", lastLines(out, 4))
	if !strings.Contains(out, "no space left") || strings.Contains(out, "exit 0") || !strings.HasSuffix(strings.TrimSpace(out), "\n0") {
		t.Errorf("a download into a full folder: want refused with 'no space left' and nothing left behind")
	}
	_ = code
	after, _ := m.sh(ctx, "skoip slot status; systemctl is-active skoip.service")
	if !strings.HasPrefix(after, before) || !strings.HasSuffix(after, "active") {
		t.Errorf("after the refused bundles: %q, want %q and skoip active", after, before)
	}
	// The last refusal (the full folder) is the fault "update"; the kept
	// update's try clears it.
	if f := waitUpdateFault(ctx, t, m, func(f string) bool { return strings.Contains(f, "no space left") }); !strings.Contains(f, "no space left") {
		t.Errorf("after the refusals the fault update is %q, want the last one's reason", f)
	}
}

// updateKept: the good bundle goes into the other slot through `skoip
// update URL`, which reboots with "0 tryboot"; the new slot comes up,
// confirms itself, stays on the next plain reboot; state survives.
func updateKept(ctx context.Context, t *testing.T, m *machine, b *bundleServer) {
	m.sh(ctx, "skoip ctl --socket /run/skoip/skoip.sock dnd on")
	before := state(ctx, m)
	from := m.slot
	to := map[string]string{"A": "B", "B": "A"}[from]
	start := time.Now()
	// In the background: `skoip update` ends in a reboot, which ends the agent.
	m.sh(ctx, "(skoip update "+b.url("good.raucb")+" >/run/update.log 2>&1; echo \"exit $?\" >>/run/update.log) &")
	if how := m.waitOff(ctx, 20*time.Minute); how != "tryboot" {
		t.Fatalf("after skoip update the guest did %s, want a reboot with \"0 tryboot\"", how)
	}
	t.Logf("download, install and reboot took %v", time.Since(start).Round(time.Second))
	if slot := m.powerOn(ctx); slot != to {
		t.Fatalf("the tryboot booted slot %s, want %s", slot, to)
	}
	at := m.ready(ctx)
	out, code := m.sh(ctx, "systemctl start skoip-slot-confirm.service; skoip slot status; journalctl -b -u skoip-slot-confirm.service -u skoip-slot-check.service -o cat --no-pager")
	t.Logf("slot %s: READY %v after the kernel; confirmation (exit %d):\n%s", to, at.Round(time.Millisecond), code, out)
	if !strings.Contains(out, fmt.Sprintf("booted %s, committed %s, trying none", to, to)) {
		t.Fatalf("slot %s was not confirmed", to)
	}
	if !strings.Contains(out, "self-check ok") {
		t.Errorf("no boot summary with the self-check in the journal")
	}
	if after := state(ctx, m); after != before {
		t.Errorf("state changed by the update:\nbefore %s\nafter  %s", before, after)
	}
	if f := updateFault(ctx, t, m); f != "" {
		t.Errorf("the new slot's try kept the older failure: fault update %q", f)
	}
	_, _ = m.sh(ctx, "systemctl --no-block reboot")
	if how := m.waitOff(ctx, 5*time.Minute); how != "reboot" {
		t.Fatalf("asked to reboot, the guest did %s", how)
	}
	if slot := m.powerOn(ctx); slot != to {
		t.Fatalf("a plain reboot after the confirmation booted slot %s, want %s", slot, to)
	}
	m.ready(ctx)
	bootTime(ctx, t, m, "updated slot "+to)
}

// updateRolledBack: a bundle whose skoip never becomes READY is installed
// and tried; the confirmation's deadline (shortened to 90 s for the test)
// reboots, the firmware boots the old slot, the boot check says so, and
// the old slot stays committed.
func updateRolledBack(ctx context.Context, t *testing.T, m *machine, b *bundleServer) {
	before := state(ctx, m)
	from := m.slot
	to := map[string]string{"A": "B", "B": "A"}[from]
	out, code := m.sh(ctx, "skoip update --no-reboot "+b.url("broken.raucb")+" 2>&1 | tail -3; skoip slot status")
	t.Logf("install of the broken bundle (exit %d):\n%s", code, out)
	if !strings.Contains(out, "trying slot "+to) {
		t.Fatalf("the broken bundle is not being tried in slot %s", to)
	}
	m.extra = map[string]string{"/etc/systemd/system/skoip-slot-confirm.service.d/test.conf": "# Test: a shorter deadline.\n[Service]\nExecStart=\nExecStart=/usr/bin/skoip slot confirm --timeout 90s\n"}
	_, _ = m.sh(ctx, "systemctl --no-block reboot 0\\ tryboot")
	if how := m.waitOff(ctx, 5*time.Minute); how != "tryboot" {
		t.Fatalf("asked for a tryboot, the guest did %s", how)
	}
	if slot := m.powerOn(ctx); slot != to {
		t.Fatalf("the tryboot booted slot %s, want %s", slot, to)
	}
	// No READY here: the confirmation gives up and reboots by itself.
	start := time.Now()
	if how := m.waitOff(ctx, 10*time.Minute); how != "reboot" {
		t.Fatalf("the unconfirmed slot ended with %s, want a plain reboot", how)
	}
	t.Logf("the broken slot %s rebooted by itself %v after its agent came up", to, time.Since(start).Round(time.Second))
	if slot := m.powerOn(ctx); slot != from {
		t.Fatalf("after the failed try the firmware booted slot %s, want %s", slot, from)
	}
	m.ready(ctx)
	out, _ = m.sh(ctx, "skoip slot status; journalctl -b -u skoip-slot-check.service -o cat --no-pager")
	t.Logf("back in slot %s:\n%s", from, out)
	if !strings.Contains(out, fmt.Sprintf("booted %s, committed %s, trying none", from, from)) ||
		!strings.Contains(out, "update failed: slot "+to) {
		t.Errorf("the rollback is not recorded as it should be")
	}
	if after := state(ctx, m); after != before {
		t.Errorf("state changed by the failed update:\nbefore %s\nafter  %s", before, after)
	}
	notConfirmed := "slot " + to + " was not confirmed"
	if f := waitUpdateFault(ctx, t, m, func(f string) bool { return strings.Contains(f, notConfirmed) }); !strings.Contains(f, notConfirmed) {
		t.Errorf("after the rollback the fault update is %q, want the given-up slot", f)
	}
	none := func(f string) bool { return f == "" }
	if out, code := m.sh(ctx, "skoip slot clear-failed 2>&1"); code != 0 || waitUpdateFault(ctx, t, m, none) != "" {
		t.Errorf("skoip slot clear-failed (exit %d, %q) left the fault", code, out)
	}
}

// fsckAll checks the file systems of the powered-off card that a boot
// uses: the root slot config.txt boots and the data partition with e2fsck
// -fn (after replaying a journal left by a power cut on a copy, as the next
// boot's mount would), the FAT with fsck.fat -n on a copy. A dirty FAT flag
// alone is not damage: the next boot's fsck.fat -a clears it. The other
// slot is left out: a power cut during an update leaves it half written,
// and nothing boots it.
func fsckAll(t *testing.T, m *machine, when string) (staleFATHint bool) {
	t.Helper()
	tmp := t.TempDir()
	boots := firmware(t, m.img, m.parts[0], tmp, false).slot
	m.parts = partitions(t, m.img) // the first boot grew the data partition
	for i, p := range m.parts {
		if (i == 1 && boots != "A") || (i == 2 && boots != "B") {
			continue
		}
		cp := filepath.Join(tmp, fmt.Sprintf("p%d", i+1))
		command(t, "dd", "if="+m.img, "of="+cp, "bs=512", fmt.Sprintf("skip=%d", p.Start),
			fmt.Sprintf("count=%d", p.Size), "conv=sparse", "status=none")
		var cmd *exec.Cmd
		if i == 0 {
			cmd = exec.Command("fsck.fat", "-n", cp)
		} else {
			_ = exec.Command("e2fsck", "-E", "journal_only", "-y", cp).Run()
			cmd = exec.Command("e2fsck", "-fn", cp)
		}
		out, err := cmd.CombinedOutput()
		clean := err == nil
		if i == 0 && !clean {
			clean, staleFATHint = fatUnclean(string(out))
		}
		if !clean {
			t.Errorf("%s: fsck of partition %d found something to fix (%v):\n%s", when, i+1, err, out)
		}
		if staleFATHint {
			t.Logf("%s: the FAT's free-cluster hint is stale (a cut while files were written to it); "+
				"the next boot's fsck.fat -a corrects it", when)
		}
		os.Remove(cp)
	}
	return staleFATHint
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// fatUnclean reports whether fsck.fat -n found nothing but what an
// unclean unmount leaves on a FAT that is otherwise sound: the dirty flag
// that Linux sets while it is mounted (the flag and the boot sector's byte
// 65, where FAT32 keeps it, differing from its backup), and, when the cut
// came while files were being written (an update's kernel files), a stale
// free-cluster count in the FSInfo sector (staleHint). That count is a
// hint: Linux counts the free clusters itself before it relies on it, the
// firmware only reads, and the boot's fsck.fat -a (systemd-fsck) corrects
// it. Lost or cross-linked clusters, a bad FAT or directory are not in it.
func fatUnclean(out string) (ok, staleHint bool) {
	allowed := []string{
		"There are differences between boot sector and its backup.",
		"This is mostly harmless. Differences: (offset:original/backup)",
		"65:01/00",
		"Not automatically fixing this.",
		"Dirty bit is set. Fs was not properly unmounted and some data may be corrupt.",
		"Automatically removing dirty bit.",
		"Leaving filesystem unchanged.",
	}
	summary := regexp.MustCompile(`^\S+: \d+ files, \d+/\d+ clusters$`)
	freeCount := regexp.MustCompile(`^Free cluster summary wrong \(\d+ vs\. really \d+\)$`)
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "fsck.fat ") || slices.Contains(allowed, l) || summary.MatchString(l):
		case freeCount.MatchString(l):
			staleHint = true
		case l == "Auto-correcting." && staleHint:
		default:
			return false, false
		}
	}
	return true, staleHint
}
