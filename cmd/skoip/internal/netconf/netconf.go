package netconf

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/skoip/skoip/config"
)

// Paths of the files Build makes; Managed lists them all.
const (
	WiredPath    = "/run/systemd/network/10-skoip-wired.network"
	WirelessPath = "/run/systemd/network/20-skoip-wireless.network"
	WPAPath      = "/run/wpa_supplicant/wpa_supplicant-wlan0.conf"
)

// Managed are the files that `skoip network` owns: one that a plan does
// not hold is stale and removed.
func Managed() []string { return []string{WiredPath, WirelessPath, WPAPath} }

// File is one file to write.
type File struct {
	Data []byte
	Mode fs.FileMode
}

// FATFile is the boot partition's wpa_supplicant.conf; Data nil: none.
type FATFile struct {
	Path string
	Data []byte
}

// Plan is what the network configuration comes to.
type Plan struct {
	// Files by absolute path, at most one for each of Managed.
	Files    map[string]File
	Hostname string
	// Warnings are things the user should know (a file ignored).
	Warnings []string

	wired, wifi string // the summary's parts
}

// Build makes the plan for n, the boot partition's wpa_supplicant.conf
// fat, and the serial number of the machine ("" if unknown).
func Build(n config.Network, fat FATFile, serial string) (*Plan, error) {
	p := &Plan{Files: map[string]File{}, Hostname: Hostname(n.Hostname, serial)}
	static, hasStatic := n.Prefix()
	wiredStatic := hasStatic && n.StaticInterface() == config.StaticOnWired
	wifiStatic := hasStatic && n.StaticInterface() == config.StaticOnWifi
	p.Files[WiredPath] = File{Data: networkFile(wiredMatch, wiredMetric, n, wiredStatic), Mode: 0o644}
	p.Files[WirelessPath] = File{Data: networkFile(wirelessMatch, wirelessMetric, n, wifiStatic), Mode: 0o644}
	p.wired = describe(wiredStatic, static)
	switch {
	case n.Wifi():
		if fat.Data != nil {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s ignored: network.wifi_ssid in skoip.toml is set, and wins", fat.Path))
		}
		data, err := WPAConfig(n.WifiSSID, n.WifiPSK, n.WifiCountry)
		if err != nil {
			return nil, err
		}
		p.Files[WPAPath] = File{Data: data, Mode: 0o600}
		p.wifi = fmt.Sprintf("wifi %q %s, country %s", n.WifiSSID, describe(wifiStatic, static), n.WifiCountry)
	case fat.Data != nil:
		data, err := CheckFATWPA(fat.Data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fat.Path, err)
		}
		p.Files[WPAPath] = File{Data: data, Mode: 0o600}
		p.wifi = fmt.Sprintf("wifi from %s %s, country %s", fat.Path, describe(wifiStatic, static), orUnset(fatCountry(data)))
	default:
		p.wifi = "wifi none"
	}
	return p, nil
}

// Summary is one line: host name, wired, Wi-Fi and its country.
func (p *Plan) Summary() string {
	return fmt.Sprintf("network: hostname %s, wired %s, %s", p.Hostname, p.wired, p.wifi)
}

func describe(static bool, a fmt.Stringer) string {
	if static {
		return "static " + a.String()
	}
	return "dhcp"
}

func orUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}

// fatCountry is the country= of a wpa_supplicant.conf, or "".
func fatCountry(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "country="); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
