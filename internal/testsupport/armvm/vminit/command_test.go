//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
)

// helperEnv makes the test binary act as a command (TestHelperProcess).
const helperEnv = "VMINIT_TEST_HELPER"

func TestHelperProcess(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "":
		return
	case "partial": // stderr, stdout without a final newline, a file, exit 4
		fmt.Fprint(os.Stderr, "to stderr\n")
		fmt.Fprint(os.Stdout, "no newline")
		dir := filepath.Join(os.Getenv(wire.OutEnv), "sub")
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "f.txt"), []byte("hello"), 0o644)
		os.Exit(4)
	case "sleep":
		time.Sleep(time.Minute)
	}
	os.Exit(0)
}

func helper(name, mode string, timeout time.Duration) wire.Command {
	return wire.Command{
		Name: name, Args: []string{os.Args[0], "-test.run=^TestHelperProcess$"},
		Env: []string{helperEnv + "=" + mode}, Timeout: timeout,
	}
}

func TestRunCommand(t *testing.T) {
	sum := sha256.Sum256([]byte("hello"))
	for _, c := range []struct {
		cmd  wire.Command
		want string
	}{
		{helper("partial", "partial", 0), "armvm: begin partial\nto stderr\nno newline\narmvm: end partial exit=4\n" +
			"armvm: file partial 5 " + hex.EncodeToString(sum[:]) + " sub/f.txt\narmvm: data aGVsbG8=\narmvm: endfile\n"},
		{helper("slow", "sleep", 200*time.Millisecond), "armvm: begin slow\narmvm: end slow exit=-1 error=timeout after 200ms\n"},
		{wire.Command{Name: "nothing", Args: []string{"/nonexistent/x"}},
			"armvm: begin nothing\narmvm: end nothing exit=-1 error=fork/exec /nonexistent/x: no such file or directory\n"},
	} {
		var out strings.Builder
		if err := runCommand(context.Background(), &out, c.cmd, t.TempDir()); err != nil {
			t.Fatalf("%s: %v", c.cmd.Name, err)
		}
		if out.String() != c.want {
			t.Errorf("%s: console\n%s\nwant\n%s", c.cmd.Name, out.String(), c.want)
		}
	}
}

func TestHandBackTooLarge(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big"), make([]byte, wire.MaxFile+1), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := handBack(&out, "c", dir); err == nil || out.Len() != 0 {
		t.Errorf("handBack of %d bytes: %v, console %q; want an error and nothing sent", wire.MaxFile+1, err, out.String())
	}
}
