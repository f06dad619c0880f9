package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// skoipBin is the binary under test, built once by TestMain.
var skoipBin string

// repoRoot is the module root (two levels above this package).
var repoRoot string

func TestMain(m *testing.M) {
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
	// Built as `make build` builds it, so that the bench measures what ships.
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", skoipBin, "./cmd/skoip")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/skoip: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// testdata returns the path of a file under testdata/e2e.
func testdata(name string) string {
	return filepath.Join(repoRoot, "testdata", "e2e", name)
}
