package systemd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// maxExposure is the highest `systemd-analyze security` score the unit may
// have (issue 6).
const maxExposure = 2.5

// tool returns the path of a systemd tool or skips the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt: systemd): %v", name, err)
	}
	return p
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// TestUnitVerify runs `systemd-analyze verify` on the unit. /usr/bin/skoip
// does not exist on a build machine, so the copy verified here runs
// /bin/true instead; everything else is the shipped file (the image test
// verifies the unit as installed).
func TestUnitVerify(t *testing.T) {
	unit, err := os.ReadFile("skoip.service")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(unit, []byte("\nExecStart=/usr/bin/skoip run\n")) {
		t.Fatal("ExecStart is not /usr/bin/skoip run")
	}
	p := filepath.Join(t.TempDir(), "skoip.service")
	unit = bytes.Replace(unit, []byte("ExecStart=/usr/bin/skoip"), []byte("ExecStart=/bin/true"), 1)
	if err := os.WriteFile(p, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := runTool(t, "systemd-analyze", "verify", p); strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify is not clean:\n%s", out)
	}
}

// TestUnitDirectories: the control socket's folder and the state folder
// (the door-code lockout) are the unit's own, readable by the skoip group.
func TestUnitDirectories(t *testing.T) {
	unit, err := os.ReadFile("skoip.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"RuntimeDirectory=skoip", "RuntimeDirectoryMode=0750", "StateDirectory=skoip", "StateDirectoryMode=0750"} {
		if !bytes.Contains(unit, []byte("\n"+line+"\n")) {
			t.Errorf("skoip.service lacks %s", line)
		}
	}
}

var exposureRE = regexp.MustCompile(`Overall exposure level for skoip\.service: ([0-9.]+)`)

func TestUnitSecurityExposure(t *testing.T) {
	out := runTool(t, "systemd-analyze", "security", "--offline=yes", "--no-pager", "./skoip.service")
	m := exposureRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	score, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exposure %.1f", score)
	if score > maxExposure {
		t.Errorf("exposure %.1f > %.1f:\n%s", score, maxExposure, out)
	}
}

// installed copies the sysusers and tmpfiles files into a fresh root as the
// .deb installs them.
func installed(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for src, dst := range map[string]string{
		"skoip.sysusers": "usr/lib/sysusers.d/skoip.conf",
		"skoip.tmpfiles": "usr/lib/tmpfiles.d/skoip.conf",
	} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, dst)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestSysusersCreatesUserInGroups(t *testing.T) {
	root := installed(t)
	runTool(t, "systemd-sysusers", "--root="+root)
	passwd, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	group, _ := os.ReadFile(filepath.Join(root, "etc/group"))
	if !regexp.MustCompile(`(?m)^skoip:x:\d+:\d+:[^:]*:/nonexistent:/usr/sbin/nologin$`).Match(passwd) {
		t.Errorf("no nologin skoip user in /etc/passwd:\n%s", passwd)
	}
	for _, g := range []string{"audio", "gpio"} {
		if !regexp.MustCompile(`(?m)^` + g + `:x:\d+:(.*,)?skoip(,.*)?$`).Match(group) {
			t.Errorf("skoip is not in group %s:\n%s", g, group)
		}
	}
}

func TestTmpfilesCreatesRuntimeDirectory(t *testing.T) {
	root := installed(t)
	runTool(t, "systemd-sysusers", "--root="+root)
	runTool(t, "systemd-tmpfiles", "--root="+root, "--create")
	fi, err := os.Stat(filepath.Join(root, "run/skoip"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o750 || !fi.IsDir() {
		t.Errorf("/run/skoip mode %v, want drwxr-x---", fi.Mode())
	}
}
