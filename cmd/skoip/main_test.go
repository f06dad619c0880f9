package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs skoip in-process and returns its exit code and output.
func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli(ctx, &env{stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, context.Background(), "version")
	if code != 0 || !strings.HasPrefix(out, "skoip dev go1.") {
		t.Fatalf("code %d out %q", code, out)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"run", "--no-such-flag"},
		{"run", "extra"},
		{"check-config", "a.toml", "b.toml"},
		{"ctl"},
		{"run", "--log-level", "loud", "--config", "../../config/skoip.toml"},
	} {
		if code, _, _ := runCLI(t, context.Background(), args...); code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range subcommands() {
		code, out, _ := runCLI(t, context.Background(), c.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: skoip "+c.name) {
			t.Errorf("%s --help: exit %d, out %q", c.name, code, out)
		}
	}
	if code, out, _ := runCLI(t, context.Background(), "--help"); code != 0 || !strings.Contains(out, "check-config") {
		t.Errorf("--help: %d %q", code, out)
	}
}

func TestCheckConfig(t *testing.T) {
	code, out, _ := runCLI(t, context.Background(), "check-config", "../../config/skoip.toml")
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("example: exit %d %q", code, out)
	}
	code, _, errs := runCLI(t, context.Background(), "check-config", "../../config/testdata/four-problems.toml")
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if code != 2 || len(lines) != 4 {
		t.Fatalf("four problems: exit %d, %d lines:\n%s", code, len(lines), errs)
	}
	for i, key := range []string{":3: sip.listen:", ":6: calls.allow:", ":7: calls.ring_tmeout:", ":10: sounds.doorbell:"} {
		if !strings.Contains(lines[i], "four-problems.toml"+key) {
			t.Errorf("line %d %q lacks %q", i, lines[i], key)
		}
	}
	code, out, _ = runCLI(t, context.Background(), "check-config", "--example")
	if code != 0 || !strings.HasPrefix(out, "# SKOIP configuration") {
		t.Fatalf("--example: %d %q", code, out[:min(len(out), 80)])
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	code, _, errs := runCLI(t, context.Background(), "run", "--config", "../../config/testdata/four-problems.toml")
	if code != 2 || strings.Count(errs, "\n") != 4 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
}
