package config

import (
	"strconv"
	"strings"
	"testing"
)

// TestNetworkRules sets one bad [network] value per case: the one problem
// it must produce, with its key, line and message.
func TestNetworkRules(t *testing.T) {
	wifi := "[network]\nwifi_ssid = \"home\"\nwifi_country = \"DE\"\n"
	static := "[network]\naddress = \"192.168.1.50/24\"\n"
	cases := []struct {
		toml string // the bad value is on its last line
		key  string
		msg  string
	}{
		{"[network]\nhostname = \"-door\"", "network.hostname", "not starting or ending with '-'"},
		{"[network]\nhostname = \"door-\"", "network.hostname", "must be 1 to 63 letters"},
		{"[network]\nhostname = \"door.front\"", "network.hostname", "must be 1 to 63 letters"},
		{"[network]\nhostname = \"tür\"", "network.hostname", "must be 1 to 63 letters"},
		{"[network]\nhostname = \"" + strings.Repeat("a", 64) + "\"", "network.hostname", "must be 1 to 63"},
		{"[network]\nwifi_psk = \"password\"", "network.wifi_psk", "is set without network.wifi_ssid"},
		{"[network]\nwifi_country = \"DE\"", "network.wifi_country", "is set without network.wifi_ssid"},
		{"[network]\nwifi_psk = \"password\"\nwifi_country = \"DE\"\nwifi_ssid = \"" + strings.Repeat("x", 33) + "\"", "network.wifi_ssid", "is 33 bytes long; an SSID has at most 32"},
		{wifi + "wifi_psk = \"short\"", "network.wifi_psk", "is 5 characters long: a passphrase has 8 to 63"},
		{wifi + "wifi_psk = \"" + strings.Repeat("p", 64) + "\"", "network.wifi_psk", "is 64 characters long"},
		{wifi + "wifi_psk = \"pass\\tword\"", "network.wifi_psk", "not printable ASCII at byte 5"},
		{wifi + "wifi_psk = \"passwörd\"", "network.wifi_psk", "not printable ASCII at byte 6"},
		{"[network]\nwifi_ssid = \"home\"\nwifi_psk = \"password\"\nwifi_country = \"de\"", "network.wifi_country", `"de" is not a country code`},
		{"[network]\nwifi_ssid = \"home\"\nwifi_psk = \"password\"\nwifi_country = \"DEU\"", "network.wifi_country", `"DEU" is not a country code`},
		{"[network]\naddress = \"192.168.1.50\"", "network.address", "is not an IPv4 address with its prefix length"},
		{"[network]\naddress = \"fd00::5/64\"", "network.address", "is not an IPv4 address"},
		{"[network]\naddress = \"192.168.1.300/24\"", "network.address", "is not an IPv4 address"},
		{"[network]\naddress = \"192.168.1.50/33\"", "network.address", "is not an IPv4 address"},
		{"[network]\naddress = \"192.168.1.0/24\"", "network.address", "is the network's own address (192.168.1.0/24); write a host's, e.g. 192.168.1.1/24"},
		{"[network]\naddress = \"192.168.1.255/24\"", "network.address", "is the network's broadcast address"},
		{"[network]\naddress = \"127.0.0.2/8\"", "network.address", "is not an address a host can have"},
		{"[network]\naddress = \"10.0.0.1/4\"", "network.address", "has a prefix length under 8"},
		{"[network]\ngateway = \"192.168.1.1\"", "network.gateway", "is set without network.address"},
		{"[network]\nstatic_on = \"wifi\"", "network.static_on", "is set without network.address"},
		{static + "static_on = \"ethernet\"", "network.static_on", `"ethernet" is not one of "wired", "wifi"`},
		{static + "gateway = \"192.168.2.1\"", "network.gateway", `"192.168.2.1" is outside network.address's network 192.168.1.0/24`},
		{static + "gateway = \"192.168.1.50\"", "network.gateway", "is network.address itself"},
		{static + "gateway = \"fd00::1\"", "network.gateway", "is not an IPv4 address"},
		{static + "gateway = \"router\"", "network.gateway", "is not an IPv4 address"},
		{"[network]\ndns = [\"1.1.1.1\", \"dns.google\"]", "network.dns", `"dns.google" is not an IPv4 or IPv6 address`},
		{"[network]\ndns = [\"fe80::1%eth0\"]", "network.dns", "is not an IPv4 or IPv6 address"},
		{"[network]\ndns = [\"0.0.0.0\"]", "network.dns", "is not an IPv4 or IPv6 address"},
		{"[network]\ndns = [" + strings.Repeat("\"1.1.1.1\", ", 8) + "\"1.1.1.1\"]", "network.dns", "has 9 servers, more than 8"},
		{"[network]\nwifi_pass = \"x\"", "network.wifi_pass", "unknown key"},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			_, err := Parse("t.toml", []byte(tc.toml+"\n"))
			if err == nil {
				t.Fatalf("no error for\n%s", tc.toml)
			}
			want := "t.toml:" + strconv.Itoa(strings.Count(tc.toml, "\n")+1) + ": " + tc.key + ": "
			got := err.Error()
			if strings.Count(got, "\n") != 0 {
				t.Fatalf("want one problem, got:\n%s", got)
			}
			if !strings.HasPrefix(got, want) || !strings.Contains(got, tc.msg) {
				t.Errorf("got  %q\nwant %q...%q", got, want, tc.msg)
			}
		})
	}
}

// A missing key is reported on the line of its [network] table.
func TestNetworkMissingKeyPointsAtTable(t *testing.T) {
	for key, toml := range map[string]string{
		"wifi_psk":     "wifi_ssid = \"home\"\nwifi_country = \"DE\"\n",
		"wifi_country": "wifi_ssid = \"home\"\nwifi_psk = \"password\"\n",
	} {
		_, err := Parse("t.toml", []byte("[log]\nlevel = \"info\"\n[network]\n"+toml))
		want := "t.toml:3: network." + key + ": is required with network.wifi_ssid"
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("got %v, want %s...", err, want)
		}
	}
}

// The message about a bad passphrase never repeats it.
func TestNetworkPSKNotEchoed(t *testing.T) {
	_, err := Parse("t.toml", []byte("[network]\nwifi_ssid = \"home\"\nwifi_country = \"DE\"\nwifi_psk = \"s3cr\x01t-value\"\n"))
	if err == nil || strings.Contains(err.Error(), "s3cr") {
		t.Fatalf("got %v", err)
	}
}

func TestNetworkGoodValues(t *testing.T) {
	for _, f := range []string{
		"[network]",
		"[network]\nhostname = \"door-front-2\"",
		"[network]\nhostname = \"" + strings.Repeat("a", 63) + "\"",
		"[network]\nhostname = \"9door\"",
		"[network]\nwifi_ssid = \"x\"\nwifi_psk = \"12345678\"\nwifi_country = \"GB\"",
		"[network]\nwifi_ssid = \"" + strings.Repeat("ü", 16) + "\"\nwifi_psk = \"" + strings.Repeat("~", 63) + "\"\nwifi_country = \"US\"",
		"[network]\nwifi_ssid = \"a \\\"b\\\" }\\nc\"\nwifi_psk = \"" + strings.Repeat("aF0", 21) + "9\"\nwifi_country = \"DE\"",
		"[network]\naddress = \"192.168.1.50/24\"",
		"[network]\naddress = \"10.1.2.3/8\"\ngateway = \"10.200.0.1\"\ndns = [\"10.0.0.53\", \"2001:4860:4860::8888\"]\nstatic_on = \"wired\"",
		"[network]\naddress = \"192.168.1.50/24\"\nstatic_on = \"wifi\"\nwifi_ssid = \"x\"\nwifi_psk = \"12345678\"\nwifi_country = \"DE\"",
		"[network]\naddress = \"192.168.1.4/31\"",
		"[network]\naddress = \"192.168.1.4/32\"",
		"[network]\ndns = [\"9.9.9.9\"]",
	} {
		if _, err := Parse("ok.toml", []byte(f+"\n")); err != nil {
			t.Errorf("%q: %v", f, err)
		}
	}
}

func TestNetworkDefaults(t *testing.T) {
	n := Default().Network
	if n.Wifi() || n.Hostname != "" || n.Address != "" || n.StaticInterface() != StaticOnWired || len(n.DNS) != 0 {
		t.Errorf("defaults: %+v", n)
	}
	if _, ok := n.Prefix(); ok {
		t.Error("Prefix of no address is ok")
	}
}
