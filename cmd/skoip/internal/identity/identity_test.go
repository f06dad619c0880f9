package identity

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLoadMakesOnceAndKeeps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	a, err := Load(dir, "door")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	if a.Leaf.Subject.CommonName != "door" || a.Leaf.NotAfter.Before(time.Now().Add(19*365*24*time.Hour)) {
		t.Errorf("certificate %v until %v", a.Leaf.Subject, a.Leaf.NotAfter)
	}
	b, err := Load(dir, "door")
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Certificate[0]) != sha256.Sum256(b.Certificate[0]) {
		t.Error("a second Load made a new identity")
	}
	// The certificate lost (a power cut between the two writes): the key
	// is kept and certified again.
	os.Remove(filepath.Join(dir, CertFile))
	c, err := Load(dir, "door")
	if err != nil || !c.Leaf.PublicKey.(*ecdsa.PublicKey).Equal(a.Leaf.PublicKey) {
		t.Errorf("re-certified: %v", err)
	}
}

func TestLoadRefusesWhatItCannotUse(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir, "door"); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, KeyFile)
	good, _ := os.ReadFile(key)
	os.WriteFile(key, []byte("garbage"), 0o600)
	if _, err := Load(dir, "door"); err == nil || !strings.Contains(err.Error(), KeyFile) {
		t.Errorf("a garbage key: %v", err)
	}
	after, _ := os.ReadFile(key)
	if string(after) != "garbage" {
		t.Error("a key that could not be read was replaced")
	}
	os.WriteFile(key, good, 0o600)
	other := t.TempDir()
	if _, err := Load(other, "x"); err != nil {
		t.Fatal(err)
	}
	foreign, _ := os.ReadFile(filepath.Join(other, CertFile))
	os.WriteFile(filepath.Join(dir, CertFile), foreign, 0o644)
	if _, err := Load(dir, "door"); err == nil {
		t.Error("a certificate of another key was accepted")
	}
	os.Remove(filepath.Join(dir, CertFile))
	syscall.Mkfifo(filepath.Join(dir, CertFile), 0o600)
	done := make(chan error, 1)
	go func() { _, err := Load(dir, "door"); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a FIFO was read as the certificate")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a FIFO in place of the certificate blocked")
	}
	if _, err := Load("", "door"); err == nil {
		t.Error("no state folder accepted")
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	if err := Check(dir); err != nil {
		t.Errorf("no identity yet: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFile)); err == nil {
		t.Error("Check made a key")
	}
	if _, err := Load(dir, "door"); err != nil {
		t.Fatal(err)
	}
	if err := Check(dir); err != nil {
		t.Errorf("a sound identity: %v", err)
	}
	os.WriteFile(filepath.Join(dir, KeyFile), []byte("x"), 0o600)
	if err := Check(dir); err == nil || !strings.Contains(err.Error(), KeyFile) {
		t.Errorf("a broken key: %v", err)
	}
	os.Remove(filepath.Join(dir, CertFile))
	if err := Check(dir); err == nil || !strings.Contains(err.Error(), KeyFile) {
		t.Errorf("a broken key alone: %v", err)
	}
}
