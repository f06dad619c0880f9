package armvm

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// builds caches what BuildGo built, for the life of the test binary: a
// few VM tests in one package share vminit and their programs.
var builds = struct {
	sync.Mutex
	m map[string]*build
}{m: map[string]*build{}}

type build struct {
	once sync.Once
	path string
	err  error
}

// BuildGo cross-builds the Go package pkg (an import path, or a path
// relative to the test's directory such as "./testdata/vmprobe") for
// linux/goarch, with GOARM=goarm when goarch is "arm", and CGO_ENABLED=0:
// a static binary that needs nothing in the VM. A main package becomes
// its program, any other its test binary (go test -c). It returns the
// binary's path. The same pkg, goarch and goarm are built once per run
// of the test binary; the binaries stay in a directory of the system's
// temporary directory, each replaced by its next build.
func BuildGo(t testing.TB, pkg, goarch, goarm string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Join([]string{wd, pkg, goarch, goarm}, "\x00")
	builds.Lock()
	b := builds.m[key]
	if b == nil {
		b = &build{}
		builds.m[key] = b
	}
	builds.Unlock()
	target := "linux/" + goarch
	if goarm != "" {
		target += " GOARM=" + goarm
	}
	b.once.Do(func() {
		start := time.Now()
		b.path, b.err = goBuild(key, pkg, goarch, goarm)
		if b.err == nil {
			t.Logf("armvm: built %s for %s in %v", pkg, target, time.Since(start).Round(time.Millisecond))
		}
	})
	if b.err != nil {
		t.Fatalf("armvm: build %s for %s: %v", pkg, target, b.err)
	}
	return b.path
}

func goBuild(key, pkg, goarch, goarm string) (string, error) {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("skoip-armvm-%d", os.Getuid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(key))
	out := filepath.Join(dir, fmt.Sprintf("%s-%s%s-%s", path.Base(pkg), goarch, goarm, hex.EncodeToString(sum[:8])))
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOARM="+goarm)
	name, err := goCmd(env, "list", "-f", "{{.Name}}", pkg)
	if err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid())
	args := []string{"build", "-trimpath", "-o", tmp, pkg}
	if strings.TrimSpace(name) != "main" {
		args = []string{"test", "-c", "-trimpath", "-o", tmp, pkg}
	}
	if _, err := goCmd(env, args...); err != nil {
		return "", err
	}
	return out, os.Rename(tmp, out) // replaces the file of another run whole
}

func goCmd(env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Env = env
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, ee.Stderr)
	}
	return string(out), err
}
