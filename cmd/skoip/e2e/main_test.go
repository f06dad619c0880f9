package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// skoipBin is the binary under test, built once by TestMain.
var skoipBin string

// repoRoot is the module root (two levels above this package).
var repoRoot string

func TestMain(m *testing.M) {
	if dst := os.Getenv(sendUDPEnv); dst != "" {
		// This binary re-run by sendUDP inside a namespace.
		os.Exit(sendUDPMain(dst, os.Stdin))
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
	dir, err := os.MkdirTemp("", "skoip-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	skoipBin = filepath.Join(dir, "skoip")
	if err := buildSkoip(skoipBin); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// buildSkoip builds ./cmd/skoip to dst as `make build` builds it, so that
// the bench measures what ships; env is added to this process's
// (`make bench` adds CGO_ENABLED=0 for the static build).
func buildSkoip(dst string, env ...string) error {
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", dst, "./cmd/skoip")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), env...)
	if out, err := build.CombinedOutput(); err != nil {
		line := strings.Join(slices.Concat(env, []string{"go build ./cmd/skoip"}), " ")
		return fmt.Errorf("%s: %w\n%s", line, err, out)
	}
	return nil
}

// testdata returns the path of a file under testdata/e2e.
func testdata(name string) string {
	return filepath.Join(repoRoot, "testdata", "e2e", name)
}
