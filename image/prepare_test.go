package sdimage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// partition is one entry of `sfdisk --json`.
type partition struct {
	Start int64  `json:"start"`
	Size  int64  `json:"size"`
	Type  string `json:"type"`
}

// partitions reads the MBR of img with sfdisk: [0] is the FAT boot
// partition, [1] and [2] the root slots A and B, [3] the data partition.
func partitions(t *testing.T, img string) []partition {
	t.Helper()
	out := command(t, "sfdisk", "--json", img)
	var pt struct {
		Table struct {
			ID         string      `json:"id"`
			Partitions []partition `json:"partitions"`
		} `json:"partitiontable"`
	}
	if err := json.Unmarshal([]byte(out), &pt); err != nil {
		t.Fatalf("sfdisk --json: %v\n%s", err, out)
	}
	if len(pt.Table.Partitions) != 4 || pt.Table.ID != "0x534b4f50" {
		t.Fatalf("image has %d partitions on disk %s, want 4 (boot, slot A, slot B, data) on 0x534b4f50",
			len(pt.Table.Partitions), pt.Table.ID)
	}
	return pt.Table.Partitions
}

// command runs a host tool and returns its stdout, failing the test on error.
func command(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// fat names the boot partition of img for mtools.
func fat(img string, p partition) string { return fmt.Sprintf("%s@@%d", img, p.Start*512) }

// boot is what the firmware model chose: the slot's kernel and initramfs
// copied out, its command line, its slot.
type boot struct {
	kernel, initrd, cmdline string
	slot                    string // "A" or "B": os_prefix a/ or b/
	from                    string // config.txt or tryboot.txt
}

// firmware does what the Raspberry Pi firmware does with the boot partition
// of img, for QEMU (which has none): read tryboot.txt when the last reboot
// asked for it ("0 tryboot") and the file is there, else config.txt; take
// its os_prefix, kernel= and initramfs lines; load the kernel, initramfs
// and cmdline.txt from under the prefix. The copies go into dir.
func firmware(t *testing.T, img string, p partition, dir string, tryboot bool) boot {
	t.Helper()
	b := boot{from: "config.txt"}
	if tryboot {
		if _, err := exec.Command("mcopy", "-n", "-i", fat(img, p), "::tryboot.txt", "-").Output(); err == nil {
			b.from = "tryboot.txt"
		}
	}
	cfg := command(t, "mcopy", "-n", "-i", fat(img, p), "::"+b.from, "-")
	var k, i, prefix string
	sc := bufio.NewScanner(strings.NewReader(cfg))
	for sc.Scan() {
		f := strings.Fields(strings.SplitN(sc.Text(), "#", 2)[0])
		switch {
		case len(f) == 1 && strings.HasPrefix(f[0], "kernel="):
			k = strings.TrimPrefix(f[0], "kernel=")
		case len(f) == 1 && strings.HasPrefix(f[0], "os_prefix="):
			prefix = strings.TrimPrefix(f[0], "os_prefix=")
		case len(f) >= 2 && f[0] == "initramfs":
			i = f[1]
		}
	}
	switch prefix {
	case "a/":
		b.slot = "A"
	case "b/":
		b.slot = "B"
	default:
		t.Fatalf("%s: os_prefix %q, want a/ or b/:\n%s", b.from, prefix, cfg)
	}
	if k == "" || i == "" {
		t.Fatalf("%s names no kernel and initramfs:\n%s", b.from, cfg)
	}
	b.kernel, b.initrd = filepath.Join(dir, "vmlinuz"), filepath.Join(dir, "initrd.img")
	command(t, "mcopy", "-n", "-o", "-i", fat(img, p), "::"+prefix+k, b.kernel)
	command(t, "mcopy", "-n", "-o", "-i", fat(img, p), "::"+prefix+i, b.initrd)
	b.cmdline = strings.TrimSpace(command(t, "mcopy", "-n", "-i", fat(img, p), "::"+prefix+"cmdline.txt", "-"))
	if !strings.Contains(b.cmdline, "rauc.slot="+b.slot) {
		t.Fatalf("%scmdline.txt %q does not name slot %s", prefix, b.cmdline, b.slot)
	}
	return b
}

// injectTestFiles writes the test agent and the debug-hooks drop-in into a
// root slot of the test copy with debugfs (no mount, no loop device), and
// extra files (guest path -> content). Files already there are replaced.
func injectTestFiles(t *testing.T, img string, p partition, extra map[string]string) {
	t.Helper()
	abs := func(s string) string {
		a, err := filepath.Abs(s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	files := map[string]string{ // guest path -> host file
		"/usr/local/sbin/skoip-test-agent":                     abs("testdata/skoip-test-agent.sh"),
		"/etc/systemd/system/skoip-test-agent.service":         abs("testdata/skoip-test-agent.service"),
		"/etc/systemd/system/skoip.service.d/debug-hooks.conf": abs("testdata/skoip-debug-hooks.conf"),
	}
	tmp := t.TempDir()
	var remove []string
	for guest, content := range extra {
		if content == "" {
			remove = append(remove, guest)
			continue
		}
		host := filepath.Join(tmp, strings.ReplaceAll(strings.TrimPrefix(guest, "/"), "/", "_"))
		if err := os.WriteFile(host, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		files[guest] = host
	}
	dev := fmt.Sprintf("%s?offset=%d", img, p.Start*512)
	// debugfs goes on after an error (rm of a file that is not there), but
	// its mkdir of a folder that exists leaves an unconnected folder inode
	// behind (e2fsck finds it): only missing folders are made.
	var script []string
	for _, guest := range remove {
		script = append(script, "rm "+guest)
	}
	made := map[string]bool{}
	for guest, host := range files {
		dir := filepath.Dir(guest)
		for _, d := range []string{filepath.Dir(dir), dir} {
			if !made[d] && !debugfsExists(dev, d) {
				script = append(script, "mkdir "+d)
			}
			made[d] = true
		}
		script = append(script, "rm "+guest, "write "+host+" "+guest)
	}
	cmdFile := filepath.Join(tmp, "debugfs.cmd")
	if err := os.WriteFile(cmdFile, []byte(strings.Join(script, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	command(t, "debugfs", "-w", "-f", cmdFile, dev)
	for guest, host := range files {
		want, err := os.ReadFile(host)
		if err != nil {
			t.Fatal(err)
		}
		if got := command(t, "debugfs", "-R", "cat "+guest, dev); got != string(want) {
			t.Fatalf("debugfs did not write %s: %q", guest, got)
		}
	}
}

// testConfig rewrites /boot/firmware/skoip.toml of the test copy for QEMU's
// virt machine: it has a GPIO chip (a PL061) but none of the Pi's pins, so
// the buttons, LEDs and relay are left out (empty lists replace the
// defaults' ones); sip.listen stays the shipped "0.0.0.0:5060". As this
// file then differs from
// /etc/skoip/skoip.toml, a service that runs with it has read it.
func testConfig(t *testing.T, img string, p partition, dir string) {
	t.Helper()
	cfg := command(t, "mcopy", "-n", "-i", fat(img, p), "::skoip.toml", "-")
	out := []string{"buttons = []", "leds = []"}
	skip := false
	for _, l := range strings.Split(cfg, "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case trimmed == "[[buttons]]" || trimmed == "[[leds]]":
			skip = true
		case strings.HasPrefix(trimmed, "[") && !strings.HasPrefix(trimmed, "[["):
			skip = false
		}
		if strings.HasPrefix(trimmed, "relay_pin =") {
			l = `relay_pin = ""`
		}
		if !skip {
			out = append(out, l)
		}
	}
	if skip || !strings.Contains(cfg, "[door]") {
		t.Fatalf("unexpected layout of skoip.toml on the boot partition:\n%s", cfg)
	}
	local := filepath.Join(dir, "skoip.toml")
	if err := os.WriteFile(local, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	command(t, "mcopy", "-o", "-i", fat(img, p), local, "::skoip.toml")
}

// debugfsExists reports whether path exists in the ext4 file system dev.
func debugfsExists(dev, path string) bool {
	out, _ := exec.Command("debugfs", "-R", "stat "+path, dev).CombinedOutput()
	return strings.Contains(string(out), "Inode:") && !strings.Contains(string(out), "File not found")
}
