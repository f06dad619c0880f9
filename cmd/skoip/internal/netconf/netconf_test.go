package netconf

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skoip/skoip/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const serial = "10000000abcdef12"

var fatWPA = []byte("country=GB\r\nctrl_interface=DIR=/run/wpa_supplicant\r\n\r\nnetwork={\r\n\tssid=\"cafe\"\r\n\tpsk=\"espresso123\"\r\n}\r\n")

// TestGolden builds each configuration and compares every file, the host
// name, the summary and the warnings with testdata/NAME.golden (go test
// -run TestGolden -update rewrites them).
func TestGolden(t *testing.T) {
	wifi := "wifi_ssid = \"home\"\nwifi_psk = \"correct horse battery\"\nwifi_country = \"DE\"\n"
	static := "address = \"192.168.1.50/24\"\ngateway = \"192.168.1.1\"\ndns = [\"192.168.1.1\", \"2001:db8::53\"]\n"
	for _, tc := range []struct {
		name, toml string
		fat        []byte
	}{
		{"wired-dhcp", "", nil},
		{"wifi-and-wired-dhcp", wifi, nil},
		{"static-wired-wifi-dhcp", wifi + static + "hostname = \"door-front\"\n", nil},
		{"static-wifi", wifi + static + "static_on = \"wifi\"\n", nil},
		{"fat-wpa", "", fatWPA},
		{"toml-wins-over-fat", wifi, fatWPA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Build(network(t, tc.toml), FATFile{Path: "/boot/firmware/wpa_supplicant.conf", Data: tc.fat}, serial)
			if err != nil {
				t.Fatal(err)
			}
			got := render(p)
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s differs; got:\n%s", golden, got)
			}
			again, _ := Build(network(t, tc.toml), FATFile{Path: "/boot/firmware/wpa_supplicant.conf", Data: tc.fat}, serial)
			if render(again) != got {
				t.Error("a second build differs from the first")
			}
		})
	}
}

func network(t *testing.T, toml string) config.Network {
	t.Helper()
	cfg, err := config.Parse("skoip.toml", []byte("[network]\n"+toml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Network
}

// render is a plan as text: its summary, warnings and files in path order.
func render(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "summary: %s\nhostname: %s\n", p.Summary(), p.Hostname)
	for _, w := range p.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	paths := make([]string, 0, len(p.Files))
	for path := range p.Files {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		f := p.Files[path]
		fmt.Fprintf(&b, "\n==> %s (%04o) <==\n%s", path, f.Mode, f.Data)
	}
	return b.String()
}

func TestWiredDHCPOnlyHasNoWPAFile(t *testing.T) {
	p, err := Build(config.Network{}, FATFile{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Files[WPAPath]; ok || len(p.Files) != 2 || p.Hostname != "skoip" {
		t.Errorf("plan %+v", p)
	}
	for path := range p.Files {
		if !slices.Contains(Managed(), path) {
			t.Errorf("%s is not in Managed()", path)
		}
	}
}

func TestBadFATFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"too large", []byte("network={\n" + strings.Repeat("#", MaxFATWPA) + "\n}\n"), ErrWPATooLarge},
		{"binary", []byte("network={\x00\x01}"), ErrWPANotText},
		{"latin-1", []byte("network={\n\tssid=\"caf\xe9\"\n}\n"), ErrWPANotText},
		{"no network", []byte("country=DE\n#network={\n"), ErrWPANoNetwork},
		{"empty", []byte{}, ErrWPANoNetwork},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(config.Network{}, FATFile{Path: "/boot/firmware/wpa_supplicant.conf", Data: tc.data}, serial)
			if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "/boot/firmware/wpa_supplicant.conf: ") {
				t.Errorf("got %v, want %v naming the file", err, tc.want)
			}
		})
	}
	// Spaces inside "network = {" are wpa_supplicant's business: accepted.
	if _, err := CheckFATWPA([]byte("network = {\n ssid=\"x\"\n}\n")); err != nil {
		t.Errorf("spaced network block: %v", err)
	}
}
