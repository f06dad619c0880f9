package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skoip/skoip/cmd/skoip/internal/netconf"
)

// networkRig is a root and a boot partition in a temporary folder, with
// a Pi's serial number in the root's device tree.
type networkRig struct {
	t              *testing.T
	root, fat, cfg string
}

func newNetworkRig(t *testing.T) *networkRig {
	dir := t.TempDir()
	r := &networkRig{t: t, root: filepath.Join(dir, "root"), fat: filepath.Join(dir, "fat")}
	r.cfg = filepath.Join(r.fat, "skoip.toml")
	r.write(filepath.Join(r.root, "proc/device-tree/serial-number"), "100000001a2b3c4d\x00")
	return r
}

func (r *networkRig) write(path, data string) {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *networkRig) run(toml string) (int, string, string) {
	r.t.Helper()
	r.write(r.cfg, toml)
	return runCLI(r.t, context.Background(), "network", "--config", r.cfg, "--root", r.root, "--fat", r.fat)
}

// mode is the permission bits of path under the root, or 0 when it is absent.
func (r *networkRig) mode(path string) fs.FileMode {
	st, err := os.Stat(filepath.Join(r.root, path))
	if err != nil {
		return 0
	}
	return st.Mode().Perm()
}

func TestNetworkCommand(t *testing.T) {
	r := newNetworkRig(t)
	wifi := "[network]\nwifi_ssid = \"home\"\nwifi_psk = \"correct horse battery\"\nwifi_country = \"DE\"\n"
	code, out, errs := r.run(wifi)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "network: hostname skoip-2b3c4d, wired dhcp, wifi \"home\" dhcp, country DE\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if !strings.Contains(errs, "host name skoip-2b3c4d not set (--root is not /)") {
		t.Errorf("stderr %q has no note about the host name", errs)
	}
	for path, want := range map[string]fs.FileMode{netconf.WiredPath: 0o644, netconf.WirelessPath: 0o644, netconf.WPAPath: 0o600} {
		if got := r.mode(path); got != want {
			t.Errorf("%s: mode %04o, want %04o", path, got, want)
		}
	}
	if m := r.mode("/run/systemd/network"); m != 0o755 {
		t.Errorf("/run/systemd/network: mode %04o, want 0755 (networkd reads it as its own user)", m)
	}
	wpa, _ := os.ReadFile(filepath.Join(r.root, netconf.WPAPath))
	if strings.Contains(string(wpa), "correct horse") || !strings.Contains(string(wpa), "ssid=686f6d65\n") {
		t.Errorf("wpa file:\n%s", wpa)
	}
	leftovers, _ := filepath.Glob(filepath.Join(r.root, "run/*/*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// Wi-Fi removed from the config: its file goes, the others stay.
	code, out, errs = r.run("[network]\naddress = \"192.168.1.50/24\"\ngateway = \"192.168.1.1\"\n")
	if code != 0 || r.mode(netconf.WPAPath) != 0 || r.mode(netconf.WiredPath) != 0o644 {
		t.Fatalf("exit %d, wpa mode %04o: %s", code, r.mode(netconf.WPAPath), errs)
	}
	if want := "network: hostname skoip-2b3c4d, wired static 192.168.1.50/24, wifi none\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	wired, _ := os.ReadFile(filepath.Join(r.root, netconf.WiredPath))
	if !strings.Contains(string(wired), "Address=192.168.1.50/24\n") {
		t.Errorf("wired file:\n%s", wired)
	}
}

func TestNetworkCommandFATFile(t *testing.T) {
	r := newNetworkRig(t)
	r.write(filepath.Join(r.fat, "wpa_supplicant.conf"), "country=FR\nnetwork={\n\tssid=\"cafe\"\n\tpsk=\"espresso123\"\n}\n")
	code, out, errs := r.run("[network]\nhostname = \"door\"\n")
	if code != 0 || out != "network: hostname door, wired dhcp, wifi from "+filepath.Join(r.fat, "wpa_supplicant.conf")+" dhcp, country FR\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if r.mode(netconf.WPAPath) != 0o600 {
		t.Errorf("wpa file mode %04o", r.mode(netconf.WPAPath))
	}
	code, _, errs = r.run("[network]\nwifi_ssid = \"home\"\nwifi_psk = \"correct horse battery\"\nwifi_country = \"DE\"\n")
	if code != 0 || !strings.Contains(errs, "warning: "+filepath.Join(r.fat, "wpa_supplicant.conf")+" ignored") {
		t.Errorf("both: exit %d, stderr %q", code, errs)
	}

	r.write(filepath.Join(r.fat, "wpa_supplicant.conf"), "country=FR\n")
	code, out, errs = r.run("")
	if code != 2 || out != "" || !strings.Contains(errs, "wpa_supplicant.conf: has no network={...} block") {
		t.Errorf("bad FAT file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestNetworkCommandExitCodes(t *testing.T) {
	r := newNetworkRig(t)
	code, out, errs := r.run("[network]\nwifi_ssid = \"home\"\n")
	if code != 2 || out != "" || !strings.Contains(errs, "skoip.toml:1: network.wifi_psk: is required") {
		t.Errorf("bad config: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if r.mode(netconf.WiredPath) != 0 {
		t.Error("a bad config wrote files")
	}
	// A root where /run/systemd is a file: nothing can be written there.
	r.write(filepath.Join(r.root, "run/systemd"), "")
	code, _, errs = r.run("")
	if code != 1 || !strings.Contains(errs, "skoip network: ") {
		t.Errorf("unwritable: exit %d, stderr %q", code, errs)
	}
	code, _, _ = runCLI(t, context.Background(), "network", "extra")
	if code != 2 {
		t.Errorf("an argument: exit %d", code)
	}
}
