package sdimage

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestArmhfWrapper: the armhf package's /usr/bin/skoip (debian/skoip-armhf)
// runs the armv7 build on every CPU whose `uname -m` says ARMv7 or later,
// the ARMv6 build on a Pi Zero or Pi 1 and on anything it does not know,
// and passes the arguments through unchanged. The builds here are scripts
// that print which one ran; uname is a script that prints the machine.
func TestArmhfWrapper(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("debian/skoip-armhf")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "/usr/libexec/skoip/"); n != 2 {
		t.Fatalf("debian/skoip-armhf names /usr/libexec/skoip/ %d times, want 2", n)
	}
	wrapper := filepath.Join(dir, "skoip")
	writeExec(t, wrapper, strings.ReplaceAll(string(src), "/usr/libexec/skoip/", dir+"/"))
	for _, build := range []string{"armv6", "armv7"} {
		writeExec(t, filepath.Join(dir, build, "skoip"), "#!/bin/sh\nprintf '%s' "+build+"; printf ' <%s>' \"$@\"\n")
	}
	writeExec(t, filepath.Join(dir, "bin", "uname"), "#!/bin/sh\n[ \"$1\" = -m ] && echo \"$MACHINE\"\n")
	cases := map[string]string{
		"armv6l":  "armv6", // Pi Zero, Zero W, Pi 1
		"armv7l":  "armv7", // Pi 2, Pi 3 and 4 on a 32-bit kernel
		"armv8l":  "armv7", // a 32-bit process under a 64-bit kernel, personality linux32
		"aarch64": "armv7", // Raspberry Pi OS 32-bit on a Pi 4 or 5 with its 64-bit kernel
		"armv5tl": "armv6", // unknown: the build that runs on more CPUs
		"":        "armv6",
	}
	for machine, want := range cases {
		cmd := exec.Command("sh", wrapper, "run", "--config", "a b.toml", "")
		cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"), "MACHINE="+machine)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("uname -m %q: %v", machine, err)
		}
		if got, wantOut := string(out), want+" <run> <--config> <a b.toml> <>"; got != wantOut {
			t.Errorf("uname -m %q: ran %q, want %q", machine, got, wantOut)
		}
	}
}

func writeExec(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}
