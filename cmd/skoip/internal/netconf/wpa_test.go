package netconf

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// IEEE 802.11i-2004, annex H.4.2 (also RFC 3962's PBKDF2 vectors): the
// passphrase "password" on the SSID "IEEE".
func TestPMKTestVector(t *testing.T) {
	got, err := PMK("password", "IEEE")
	if err != nil {
		t.Fatal(err)
	}
	if want := "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e"; got != want {
		t.Errorf("PMK = %s, want %s", got, want)
	}
	// Annex H.4.2's second vector.
	got, _ = PMK("ThisIsAPassword", "ThisIsASSID")
	if want := "0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af"; got != want {
		t.Errorf("PMK = %s, want %s", got, want)
	}
}

// needTool skips when name is not installed, or fails under CI, where
// `make test` installs its Debian package.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (Debian package %s)", name, pkg)
		}
		t.Skipf("%s not installed: apt-get install -y --no-install-recommends %s", name, pkg)
	}
	return p
}

var pskLine = regexp.MustCompile(`(?m)^\tpsk=([0-9a-f]{64})$`)

// The key is the one Debian's wpa_passphrase derives, for plain and odd
// SSIDs and passphrases.
func TestPMKMatchesWPAPassphrase(t *testing.T) {
	tool := needTool(t, "wpa_passphrase", "wpasupplicant")
	for _, c := range [][2]string{
		{"home", "correct horse battery"},
		{"IEEE", "password"},
		{"Café ☕ 5G", "  spaces and ~!@#$%^&*()_+`{}|:\"<>? "},
		{strings.Repeat("s", 32), strings.Repeat("p", 63)},
	} {
		ssid, pass := c[0], c[1]
		cmd := exec.Command(tool, ssid)
		cmd.Stdin = strings.NewReader(pass + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("wpa_passphrase %q: %v", ssid, err)
		}
		m := pskLine.FindSubmatch(out)
		if m == nil {
			t.Fatalf("no psk= in:\n%s", out)
		}
		got, err := PMK(pass, ssid)
		if err != nil || got != string(m[1]) {
			t.Errorf("PMK(%q, %q) = %s, %v; wpa_passphrase: %s", pass, ssid, got, err, m[1])
		}
	}
}

// oddSSID has every character that could break a quoted SSID.
const oddSSID = "a\"b'}\n{c\\ ü\x01"

func TestSSIDWrittenInHex(t *testing.T) {
	data, err := WPAConfig(oddSSID, "password", "DE")
	if err != nil {
		t.Fatal(err)
	}
	want := "\tssid=" + hex.EncodeToString([]byte(oddSSID)) + "\n"
	if !bytes.Contains(data, []byte(want)) {
		t.Errorf("no %q in:\n%s", want, data)
	}
	if bytes.Contains(data, []byte("password")) || bytes.Count(data, []byte("}")) != 1 || bytes.Count(data, []byte("{")) != 1 {
		t.Errorf("the passphrase or a stray brace is in the file:\n%s", data)
	}
	key := strings.Repeat("0123456789ABCDEF", 4)
	data, _ = WPAConfig("x", key, "DE")
	if !bytes.Contains(data, []byte("\tpsk="+strings.ToLower(key)+"\n")) {
		t.Errorf("a 64-hex key is not written as is:\n%s", data)
	}
}

// wpa_supplicant's own parser reads the file: -c FILE on an interface
// that does not exist, in debug mode, parses the configuration first and
// then fails on the interface, without touching any device.
func TestWPAFileParses(t *testing.T) {
	tool := needTool(t, "wpa_supplicant", "wpasupplicant")
	data, err := WPAConfig(oddSSID, "password", "DE")
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "wpa.conf")
	if err := os.WriteFile(conf, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// -C elsewhere: the control socket, if it got that far, is not /run's.
	out, _ := exec.Command(tool, "-d", "-c", conf, "-i", "skoipnone0", "-C", filepath.Join(t.TempDir(), "ctrl")).CombinedOutput()
	text := string(out)
	if strings.Contains(text, "Failed to read or parse configuration") || strings.Contains(text, "failed to parse") {
		t.Fatalf("wpa_supplicant does not parse the file:\n%s", text)
	}
	// The network as wpa_supplicant read it, escaped by its printf_encode.
	for _, want := range []string{`country='DE'`, `id=0 ssid='a\"b'}\n{c\\ \xc3\xbc\x01'`} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in wpa_supplicant's output:\n%s", want, text)
		}
	}
}
