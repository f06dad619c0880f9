package intercom

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStateDir(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  string
		env  map[string]string
		want string // "" expects an error
	}{
		{"state.dir first", "/srv/skoip", map[string]string{"STATE_DIRECTORY": "/var/lib/skoip", "HOME": "/home/pi"}, "/srv/skoip"},
		{"systemd StateDirectory", "", map[string]string{"STATE_DIRECTORY": "/var/lib/skoip:/var/lib/other", "XDG_STATE_HOME": "/x", "HOME": "/home/pi"}, "/var/lib/skoip"},
		{"XDG_STATE_HOME", "", map[string]string{"XDG_STATE_HOME": "/home/pi/.state", "HOME": "/home/pi"}, "/home/pi/.state/skoip"},
		{"HOME", "", map[string]string{"HOME": "/home/pi"}, "/home/pi/.local/state/skoip"},
		{"nothing", "", nil, ""},
		{"the FAT boot partition", "/boot/firmware/state", nil, ""},
		{"HOME on /boot", "", map[string]string{"HOME": "/boot"}, ""},
		{"relative XDG_STATE_HOME", "", map[string]string{"XDG_STATE_HOME": "state"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := StateDir(tc.dir, func(k string) string { return tc.env[k] })
			if tc.want == "" {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "state")
	path := filepath.Join(dir, "f.json")
	for _, body := range []string{"one\n", "two\n"} {
		if err := writeFileAtomic(path, []byte(body)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != body {
			t.Fatalf("read %q, want %q", got, body)
		}
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("folder: %v %v, want created 0750", err, fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	// A failed write leaves the old file and no temporary file.
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o750)
	if os.Getuid() == 0 {
		t.Skip("root writes into a read-only folder")
	}
	if err := writeFileAtomic(path, []byte("three\n")); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("write into a read-only folder: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "two\n" {
		t.Fatalf("old content lost: %q", got)
	}
}
