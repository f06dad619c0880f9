package config

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// checkListen accepts "ip:port" ("0.0.0.0:5060", "[::]:5060"); port 0 picks a free port.
func checkListen(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q is not ip:port (e.g. \"0.0.0.0:5060\")", s)
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Errorf("%q: %q is not an IP address", s, host)
		}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q: port %q is not a number between 0 and 65535", s, port)
	}
	return nil
}

// checkHost accepts an IP address or a DNS host name (RFC 1123).
func checkHost(s string) error {
	if _, err := netip.ParseAddr(s); err == nil {
		return nil
	}
	if len(s) == 0 || len(s) > 253 {
		return fmt.Errorf("%q is not an IP address or host name", s)
	}
	labels := strings.Split(strings.TrimSuffix(s, "."), ".")
	for _, label := range labels {
		if !validLabel(label) {
			return fmt.Errorf("%q is not an IP address or host name", s)
		}
	}
	// A top-level label is never all digits: "192.168.1.300" is a bad IP, not a name.
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return fmt.Errorf("%q is not an IP address or host name", s)
	}
	return nil
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// checkHostPort accepts host, host:port or [v6]:port with port 1-65535.
func checkHostPort(s string) error {
	if _, err := netip.ParseAddr(s); err == nil {
		return nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return checkHost(s)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("port %q is not a number between 1 and 65535", port)
	}
	return checkHost(host)
}

// checkTarget accepts what a call can be placed to: an IP, ip:port, a host
// name, or a SIP URI (sip:[user@]host[:port][;params]).
func checkTarget(s string) error {
	hostport, isURI, emptyUser := targetHostPort(s)
	if !isURI {
		if err := checkHostPort(s); err != nil {
			return fmt.Errorf("%q is not an IP, ip:port or SIP URI (e.g. \"192.168.1.20\", \"sip:door@192.168.1.20\")", s)
		}
		return nil
	}
	if emptyUser {
		return fmt.Errorf("%q has an empty user part before '@'", s)
	}
	if err := checkHostPort(hostport); err != nil {
		return fmt.Errorf("%q: %v", s, err)
	}
	return nil
}

// targetHostPort returns the host[:port] of a target: the target itself, or
// a SIP URI's part after the user and before parameters.
func targetHostPort(s string) (hostport string, isURI, emptyUser bool) {
	rest, isURI := cutScheme(s)
	if !isURI {
		return s, false, false
	}
	if i := strings.IndexAny(rest, ";?"); i >= 0 {
		rest = rest[:i]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		return rest[at+1:], true, at == 0
	}
	return rest, true, false
}

func cutScheme(s string) (string, bool) {
	for _, p := range []string{"sip:", "sips:"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):], true
		}
	}
	return s, false
}

// checkAllow accepts a CIDR, an IP address or a host name.
func checkAllow(s string) error {
	if strings.Contains(s, "/") {
		if _, err := netip.ParsePrefix(s); err != nil {
			return fmt.Errorf("%q is not a CIDR (e.g. \"192.168.1.0/24\")", s)
		}
		return nil
	}
	if err := checkHost(s); err != nil {
		return fmt.Errorf("%q is not a CIDR, IP address or host name", s)
	}
	return nil
}

// isPBXName reports whether peer.address is a bare name or number to be
// called through the PBX ("1002", "flat12").
func isPBXName(cfg *Config) bool {
	a := cfg.Peer.Address
	return cfg.SIP.Account.Enabled() && !strings.ContainsAny(a, ":@.[") && validLabel(a)
}

// checkDirect accepts a target reached without a PBX: an IP, ip:port or
// sip:user@IP[:port].
func checkDirect(s string) error {
	host, _, _ := targetHostPort(s)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if _, err := netip.ParseAddr(host); err != nil || checkTarget(s) != nil {
		return fmt.Errorf("%q is not an IP, ip:port or sip:user@IP", s)
	}
	return nil
}
