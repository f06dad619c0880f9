//go:build linux

package kpcm

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// cHeaderPrelude includes what the C expressions of the ABI tables need.
const cHeaderPrelude = "#include <stddef.h>\n#include <stdio.h>\n#include <sys/ioctl.h>\n#include <sound/asound.h>\n"

// gccArch is the GOARCH of the code a C compiler emits (from its
// -dumpmachine triplet), or "" when it is none of the project's.
func gccArch(t *testing.T, cc string) string {
	out, err := exec.CommandContext(t.Context(), cc, "-dumpmachine").Output()
	if err != nil {
		return ""
	}
	triplet := strings.TrimSpace(string(out))
	switch {
	case strings.HasPrefix(triplet, "x86_64-"):
		return "amd64"
	case strings.HasPrefix(triplet, "aarch64-"):
		return "arm64"
	case strings.HasPrefix(triplet, "arm"):
		return "arm"
	}
	return ""
}

// compileC compiles src with cc and the extra arguments in a temporary
// directory and returns the output file's path.
func compileC(t *testing.T, cc, src string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	c, bin := filepath.Join(dir, "abi.c"), filepath.Join(dir, "abi")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), cc, append(args, "-o", bin, c)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "sound/asound.h") && strings.Contains(string(out), "No such file") {
			t.Skipf("%s has no <sound/asound.h> (install the linux-libc-dev package of that target): %s", cc, out)
		}
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return bin
}

// The Go declarations against the kernel header itself, through a C
// program that prints each value, compiled and run on this host. Only
// where gcc builds for the test binary's architecture: under qemu-user the
// gcc found is the host's, and TestABIGolden covers the emulated one.
func TestABIKernelHeader(t *testing.T) {
	cc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("no gcc to compile <sound/asound.h> with (make test installs it): the header is checked through TestABIGolden's table only")
	}
	if arch := gccArch(t, cc); arch != runtime.GOARCH {
		t.Skipf("gcc builds for %q, this test binary is %s (emulated?): the header is checked on the host, this architecture through TestABIGolden", arch, runtime.GOARCH)
	}
	goVals := goABI()
	var src strings.Builder
	src.WriteString(cHeaderPrelude + "int main(void) {\n")
	for _, k := range slices.Sorted(maps.Keys(goVals)) {
		fmt.Fprintf(&src, "\tprintf(\"%%s=%%llu\\n\", %q, (unsigned long long)(%s));\n", k, k)
	}
	src.WriteString("\treturn 0;\n}\n")
	bin := compileC(t, cc, src.String())
	out, err := exec.CommandContext(t.Context(), bin).Output()
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	cVals := map[string]uint64{}
	for line := range strings.Lines(string(out)) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("C program printed %q", line)
		}
		cVals[k] = n
	}
	compareABI(t, "Go against <sound/asound.h>", cVals, goVals)
}

// The golden table of every architecture against the kernel header of
// that architecture, through the cross compilers when they are installed
// (gcc-aarch64-linux-gnu, gcc-arm-linux-gnueabihf): C static assertions,
// compiled only, nothing run.
func TestABIGoldenAgainstCrossHeaders(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the cross compilers are amd64 programs; this test binary is %s (emulated?): TestABIGolden covers it", runtime.GOARCH)
	}
	for _, c := range []struct{ cc, goarch string }{
		{"gcc", "amd64"},
		{"aarch64-linux-gnu-gcc", "arm64"},
		{"arm-linux-gnueabihf-gcc", "arm"},
	} {
		t.Run(c.goarch, func(t *testing.T) {
			cc, err := exec.LookPath(c.cc)
			if err != nil {
				t.Skipf("no %s: the %s table is checked against its header only where it is installed", c.cc, c.goarch)
			}
			if arch := gccArch(t, cc); arch != c.goarch {
				t.Skipf("%s builds for %q, not %s", c.cc, arch, c.goarch)
			}
			golden, _ := abiGolden(c.goarch)
			var src strings.Builder
			src.WriteString(cHeaderPrelude)
			for _, k := range slices.Sorted(maps.Keys(golden)) {
				fmt.Fprintf(&src, "_Static_assert((unsigned long long)(%s) == %dULL, %q);\n", k, golden[k], fmt.Sprintf("%s != %d (%#x) on %s", k, golden[k], golden[k], c.goarch))
			}
			compileC(t, cc, src.String(), "-c")
		})
	}
}
