package config

import (
	"fmt"
	"net/netip"
)

// Interfaces that network.static_on may name.
const (
	StaticOnWired = "wired"
	StaticOnWifi  = "wifi"
)

// maxDNS bounds network.dns: systemd-networkd uses the first three anyway.
const maxDNS = 8

// Network is the unit's networking, applied at boot by `skoip network`
// (skoip-network.service): the host name, Wi-Fi credentials and an
// optional static IPv4 address on one interface. All empty: the host name
// from the serial number, DHCP on the wired port, no Wi-Fi.
type Network struct {
	// Hostname is one RFC 1123 label; "": "skoip-" and the last 6 hex
	// digits of the serial number.
	Hostname string `toml:"hostname"`
	// WifiSSID is the network's name (1 to 32 bytes); "": no Wi-Fi from
	// this file (a wpa_supplicant.conf on the boot partition may give it).
	WifiSSID string `toml:"wifi_ssid"`
	// WifiPSK is the WPA2 passphrase (8 to 63 printable ASCII characters)
	// or the 64 hex digits of the pre-shared key.
	WifiPSK string `toml:"wifi_psk"`
	// WifiCountry is the ISO 3166 code of the regulatory domain ("DE").
	WifiCountry string `toml:"wifi_country"`
	// Address is a static IPv4 address with its prefix length
	// ("192.168.1.50/24"); "": DHCP on both interfaces.
	Address string `toml:"address"`
	// Gateway is the default route's IPv4 router, inside Address's network.
	Gateway string `toml:"gateway"`
	// DNS are name servers (IPv4 or IPv6), added to those DHCP gives.
	DNS []string `toml:"dns"`
	// StaticOn is the interface that gets Address: "wired" ("" too) or
	// "wifi"; the other one uses DHCP.
	StaticOn string `toml:"static_on"`
}

// Wifi reports whether network.wifi_ssid configures Wi-Fi.
func (n Network) Wifi() bool { return n.WifiSSID != "" }

// StaticInterface is StaticOnWired or StaticOnWifi.
func (n Network) StaticInterface() string {
	if n.StaticOn == "" {
		return StaticOnWired
	}
	return n.StaticOn
}

// Prefix is network.address parsed; ok is false when there is none or it
// is not valid.
func (n Network) Prefix() (p netip.Prefix, ok bool) {
	p, err := netip.ParsePrefix(n.Address)
	return p, err == nil && n.Address != ""
}

func checkNetwork(c *checker, n *Network) {
	if n.Hostname != "" && !validLabel(n.Hostname) {
		c.bad("network.hostname", "%q must be 1 to 63 letters, digits and '-', not starting or ending with '-' (e.g. \"door-front\")", n.Hostname)
	}
	checkWifi(c, n)
	checkStatic(c, n)
	if len(n.DNS) > maxDNS {
		c.bad("network.dns", "has %d servers, more than %d", len(n.DNS), maxDNS)
	}
	for _, s := range n.DNS {
		if a, err := netip.ParseAddr(s); err != nil || a.Zone() != "" || a.IsUnspecified() {
			c.bad("network.dns", "%q is not an IPv4 or IPv6 address (e.g. \"192.168.1.1\")", s)
		}
	}
}

func checkWifi(c *checker, n *Network) {
	if !n.Wifi() {
		if n.WifiPSK != "" {
			c.bad("network.wifi_psk", "is set without network.wifi_ssid")
		}
		if n.WifiCountry != "" {
			c.bad("network.wifi_country", "is set without network.wifi_ssid (a wpa_supplicant.conf on the boot partition sets its own country=)")
		}
		return
	}
	if len(n.WifiSSID) > 32 {
		c.bad("network.wifi_ssid", "is %d bytes long; an SSID has at most 32", len(n.WifiSSID))
	}
	switch {
	case n.WifiPSK == "":
		c.bad("network.wifi_psk", "is required with network.wifi_ssid (the WPA2 passphrase, 8 to 63 characters)")
	default:
		c.err("network.wifi_psk", CheckPSK(n.WifiPSK))
	}
	switch {
	case n.WifiCountry == "":
		c.bad("network.wifi_country", "is required with network.wifi_ssid: the radio may not transmit without its country (e.g. \"DE\", \"GB\", \"US\")")
	case !isCountry(n.WifiCountry):
		c.bad("network.wifi_country", "%q is not a country code of two upper-case letters (e.g. \"DE\", \"GB\", \"US\")", n.WifiCountry)
	}
}

// CheckPSK accepts a WPA2 passphrase (8 to 63 printable ASCII characters)
// or a pre-shared key of 64 hex digits. Its message never repeats the
// secret.
func CheckPSK(psk string) error {
	if len(psk) == 64 && isHex(psk) {
		return nil
	}
	if len(psk) < 8 || len(psk) > 63 {
		return fmt.Errorf("is %d characters long: a passphrase has 8 to 63 (or write the key as 64 hex digits)", len(psk))
	}
	for i := 0; i < len(psk); i++ {
		if psk[i] < 0x20 || psk[i] > 0x7e {
			return fmt.Errorf("has a character that is not printable ASCII at byte %d (a passphrase is ASCII 32-126)", i+1)
		}
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func isCountry(s string) bool {
	return len(s) == 2 && 'A' <= s[0] && s[0] <= 'Z' && 'A' <= s[1] && s[1] <= 'Z'
}

func checkStatic(c *checker, n *Network) {
	if n.Address == "" {
		if n.Gateway != "" {
			c.bad("network.gateway", "is set without network.address")
		}
		if n.StaticOn != "" {
			c.bad("network.static_on", "is set without network.address")
		}
		return
	}
	if n.StaticOn != "" {
		c.oneOf("network.static_on", n.StaticOn, StaticOnWired, StaticOnWifi)
	}
	p, err := netip.ParsePrefix(n.Address)
	if err != nil || !p.Addr().Is4() {
		c.bad("network.address", "%q is not an IPv4 address with its prefix length (e.g. \"192.168.1.50/24\")", n.Address)
		return
	}
	if msg := hostAddressProblem(p); msg != "" {
		c.bad("network.address", "%q %s", n.Address, msg)
		return
	}
	if n.Gateway == "" {
		return
	}
	gw, err := netip.ParseAddr(n.Gateway)
	switch {
	case err != nil || !gw.Is4():
		c.bad("network.gateway", "%q is not an IPv4 address (e.g. \"192.168.1.1\")", n.Gateway)
	case gw == p.Addr():
		c.bad("network.gateway", "%q is network.address itself", n.Gateway)
	case !p.Masked().Contains(gw):
		c.bad("network.gateway", "%q is outside network.address's network %s", n.Gateway, p.Masked())
	}
}

// hostAddressProblem says what keeps p from being this unit's address,
// or "".
func hostAddressProblem(p netip.Prefix) string {
	a := p.Addr()
	switch {
	case p.Bits() < 8:
		return "has a prefix length under 8"
	case a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "is not an address a host can have"
	case p.Bits() <= 30 && a == p.Masked().Addr():
		return fmt.Sprintf("is the network's own address (%s); write a host's, e.g. %s", p.Masked(), netip.PrefixFrom(a.Next(), p.Bits()))
	case p.Bits() <= 30 && a == lastAddr(p):
		return "is the network's broadcast address"
	}
	return ""
}

// lastAddr is the highest address of p's network (IPv4).
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
