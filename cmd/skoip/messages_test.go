package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skoip/skoip/config"
)

// TestOpenVoicemail: off, the default folder in the state folder, and a
// folder that cannot be one (a file) or no folder at all: clear errors,
// which the app shows as the "voicemail" fault instead of failing to start.
func TestOpenVoicemail(t *testing.T) {
	cfg := config.Default()
	if vm, err := openVoicemail(cfg, t.TempDir()); vm != nil || err != nil {
		t.Fatalf("voicemail off: %v, %v", vm, err)
	}
	cfg.Voicemail.Enabled = true
	state := t.TempDir()
	vm, err := openVoicemail(cfg, state)
	if err != nil || vm.Dir() != filepath.Join(state, "messages") {
		t.Fatalf("default folder: %v, %v", vm, err)
	}
	if _, err := openVoicemail(cfg, ""); err == nil || !strings.Contains(err.Error(), "set voicemail.dir or state.dir") {
		t.Errorf("no state folder: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Voicemail.Dir = file
	if _, err := openVoicemail(cfg, state); err == nil {
		t.Error("a file as the folder of messages was accepted")
	}
	// A message too long for a message, or not at 8 kHz, is not played.
	long := filepath.Join(t.TempDir(), "long.wav")
	if err := os.WriteFile(long, make([]byte, maxMessageBytes+10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadMessage(long); err == nil || !strings.Contains(err.Error(), "larger than a message") {
		t.Errorf("oversized message: %v", err)
	}
}
