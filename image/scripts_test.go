package sdimage

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func runScript(t *testing.T, env []string, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command("sh", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", script, args, err)
	}
	return strings.TrimSpace(string(out))
}

func TestDebVersion(t *testing.T) {
	epoch := []string{"SOURCE_DATE_EPOCH=1764136000"} // 2025-11-26 05:46:40 UTC
	cases := map[string]string{
		"v1.2.0":                  "1.2.0",
		"1.2.0":                   "1.2.0",
		"v1.2.0-5-gabc1234":       "1.2.0+git5.gabc1234",
		"v1.2.0-dirty":            "1.2.0+dirty",
		"v1.2.0-5-gabc1234-dirty": "1.2.0+git5.gabc1234.dirty",
		"abc1234":                 "0.0~git20251126054640.abc1234",
		"8fbd923-dirty":           "0.0~git20251126054640.8fbd923+dirty",
	}
	valid := regexp.MustCompile(`^[0-9][A-Za-z0-9.+~]*$`) // native: no hyphen
	for in, want := range cases {
		got := runScript(t, epoch, "debversion.sh", in)
		if got != want {
			t.Errorf("debversion.sh %q = %q, want %q", in, got, want)
		}
		if !valid.MatchString(got) {
			t.Errorf("%q is not a native Debian version", got)
		}
	}
	// A later commit of an untagged tree sorts later (dpkg --compare-versions).
	if _, err := exec.LookPath("dpkg"); err == nil {
		a := runScript(t, []string{"SOURCE_DATE_EPOCH=1764136000"}, "debversion.sh", "ffff000")
		b := runScript(t, []string{"SOURCE_DATE_EPOCH=1764136001"}, "debversion.sh", "0000fff")
		if err := exec.Command("dpkg", "--compare-versions", b, "gt", a).Run(); err != nil {
			t.Errorf("%s does not sort after %s", b, a)
		}
	}
}

// The packaged config points every [sounds] key at a WAV that sounds.sh makes.
func TestPackagedConfigSounds(t *testing.T) {
	cfg := runScript(t, nil, "config.sh", "../config/skoip.toml")
	sounds, err := os.ReadFile("sounds.sh")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"doorbell", "ringtone", "busy", "no_answer", "door_open", "warning"}
	for _, k := range keys {
		want := k + ` = "/usr/share/skoip/sounds/` + k + `.wav"`
		if !strings.Contains(cfg, "\n"+want+"\n") {
			t.Errorf("packaged config lacks %s", want)
		}
		if !strings.Contains(string(sounds), `"$out/`+k+`.wav"`) && !strings.Contains(string(sounds), "speak "+k+" ") {
			t.Errorf("sounds.sh does not make %s.wav", k)
		}
	}
	orig, err := os.ReadFile("../config/skoip.toml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(cfg, "\n") != strings.Count(strings.TrimSpace(string(orig)), "\n") {
		t.Error("config.sh changed more than the [sounds] lines")
	}
}
