package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadRunConfigLastGood: a good file is copied to the state folder; when
// the file is broken later, the copy runs and the fault names the file and
// its problem; without a copy (or outside systemd) the error stands.
func TestLoadRunConfigLastGood(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	fat := filepath.Join(dir, "skoip.toml")
	search := []string{fat, filepath.Join(dir, "absent.toml")}
	good := "[device]\nname = \"front door\"\n"
	if err := os.WriteFile(fat, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	// A broken file before any good one: the error, nothing saved.
	if err := os.WriteFile(fat, []byte("[device\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadRunConfig("", state, search); err == nil {
		t.Fatal("a broken file with no last good copy loaded")
	}
	if err := os.WriteFile(fat, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, fault, err := loadRunConfig("", state, search)
	if err != nil || fault != nil || cfg.Device.Name != "front door" {
		t.Fatalf("good file: %v %v %+v", err, fault, cfg.Device)
	}
	saved, err := os.ReadFile(filepath.Join(state, lastGoodFile))
	if err != nil || string(saved) != good {
		t.Fatalf("last good copy %q %v", saved, err)
	}
	// Broken on the FAT partition: a bad value and a bad key.
	if err := os.WriteFile(fat, []byte("[device]\nname = \"\"\n[audio]\nbackend = \"nope\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, fault, err = loadRunConfig("", state, search)
	if err != nil || fault == nil || cfg.Device.Name != "front door" {
		t.Fatalf("broken file: %v %v %+v", err, fault, cfg)
	}
	if msg := fault.Error(); !strings.Contains(msg, fat) || !strings.Contains(msg, "backend") ||
		!strings.Contains(msg, "last good configuration") {
		t.Errorf("fault %q does not name the file, the problem and the fallback", msg)
	}
	if again, _ := os.ReadFile(filepath.Join(state, lastGoodFile)); string(again) != good {
		t.Errorf("the broken file replaced the last good copy: %q", again)
	}
	// Outside systemd (no state folder), or an explicit --config: no fallback.
	if _, _, err := loadRunConfig("", "", search); err == nil {
		t.Error("no state folder: the broken file loaded")
	}
	if _, _, err := loadRunConfig(fat, state, search); err == nil {
		t.Error("--config of a broken file loaded")
	}
}
