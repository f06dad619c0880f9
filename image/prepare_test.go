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
// partition, [1] the ext4 root.
func partitions(t *testing.T, img string) []partition {
	t.Helper()
	out := command(t, "sfdisk", "--json", img)
	var pt struct {
		Table struct {
			Partitions []partition `json:"partitions"`
		} `json:"partitiontable"`
	}
	if err := json.Unmarshal([]byte(out), &pt); err != nil {
		t.Fatalf("sfdisk --json: %v\n%s", err, out)
	}
	if len(pt.Table.Partitions) != 2 {
		t.Fatalf("image has %d partitions, want 2 (boot, root)", len(pt.Table.Partitions))
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

// bootFiles copies the kernel and initrd named by the boot partition's
// config.txt (as the Pi firmware reads them) into dir.
func bootFiles(t *testing.T, img string, p partition, dir string) (kernel, initrd string) {
	t.Helper()
	cfg := command(t, "mcopy", "-n", "-i", fat(img, p), "::config.txt", "-")
	var k, i string
	sc := bufio.NewScanner(strings.NewReader(cfg))
	for sc.Scan() {
		f := strings.Fields(strings.SplitN(sc.Text(), "#", 2)[0])
		switch {
		case len(f) == 1 && strings.HasPrefix(f[0], "kernel="):
			k = strings.TrimPrefix(f[0], "kernel=")
		case len(f) >= 2 && f[0] == "initramfs":
			i = f[1]
		}
	}
	if k == "" || i == "" {
		t.Fatalf("config.txt names no kernel and initramfs:\n%s", cfg)
	}
	kernel, initrd = filepath.Join(dir, "vmlinuz"), filepath.Join(dir, "initrd.img")
	command(t, "mcopy", "-n", "-i", fat(img, p), "::"+k, kernel)
	command(t, "mcopy", "-n", "-i", fat(img, p), "::"+i, initrd)
	return kernel, initrd
}

// injectTestFiles writes the test agent and the debug-hooks drop-in into
// the root partition of the test copy with debugfs (no mount, no loop
// device).
func injectTestFiles(t *testing.T, img string, p partition) {
	t.Helper()
	abs := func(s string) string {
		a, err := filepath.Abs(s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	script := strings.Join([]string{
		"mkdir /usr/local/sbin",
		"write " + abs("testdata/skoip-test-agent.sh") + " /usr/local/sbin/skoip-test-agent",
		"write " + abs("testdata/skoip-test-agent.service") + " /etc/systemd/system/skoip-test-agent.service",
		"mkdir /etc/systemd/system/skoip.service.d",
		"write " + abs("testdata/skoip-debug-hooks.conf") + " /etc/systemd/system/skoip.service.d/debug-hooks.conf",
	}, "\n") + "\n"
	cmdFile := filepath.Join(t.TempDir(), "debugfs.cmd")
	if err := os.WriteFile(cmdFile, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	command(t, "debugfs", "-w", "-f", cmdFile, fmt.Sprintf("%s?offset=%d", img, p.Start*512))
	out := command(t, "debugfs", "-R", "cat /etc/systemd/system/skoip.service.d/debug-hooks.conf",
		fmt.Sprintf("%s?offset=%d", img, p.Start*512))
	if !strings.Contains(out, "SKOIP_DEBUG_HOOKS=1") {
		t.Fatalf("debugfs did not write the drop-in: %q", out)
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
