package config

import (
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unicode"
)

// MQTTSchemes are the broker URL schemes mqtt.broker accepts: plain TCP
// (port 1883 when none is given) and TLS (8883).
var MQTTSchemes = map[string]int{"tcp": 1883, "mqtt": 1883, "ssl": 8883, "tls": 8883, "mqtts": 8883}

// maxTopicPrefix bounds mqtt.topic_prefix and mqtt.discovery_prefix.
const maxTopicPrefix = 128

func checkMQTT(c *checker, m *MQTT) {
	for _, a := range m.AllowCommands {
		c.oneOf("mqtt.allow_commands", a, MQTTCommands...)
	}
	if !m.Enabled() {
		return
	}
	c.err("mqtt.broker", checkBroker(m.Broker))
	if m.CAFile != "" {
		if !MQTTUsesTLS(m.Broker) {
			c.bad("mqtt.ca_file", "is only used with a TLS broker (\"ssl://host:8883\")")
		}
	}
	if n := len(m.ClientID); n > 64 || strings.IndexFunc(m.ClientID, notPrintable) >= 0 {
		c.bad("mqtt.client_id", "%q must be up to 64 printable characters without spaces", m.ClientID)
	}
	c.err("mqtt.topic_prefix", checkTopicPrefix(m.TopicPrefix, true))
	if m.Discovery {
		c.err("mqtt.discovery_prefix", checkTopicPrefix(m.DiscoveryPrefix, false))
	}
	if m.Password != "" && m.Username == "" {
		c.bad("mqtt.password", "is set without mqtt.username")
	}
}

// checkBroker accepts "scheme://host[:port]" with a scheme of MQTTSchemes.
func checkBroker(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not a broker URL (write e.g. \"tcp://192.168.1.10:1883\" or \"ssl://broker.lan:8883\")", s)
	}
	if _, ok := MQTTSchemes[u.Scheme]; !ok {
		return fmt.Errorf("%q: scheme %q is not tcp, mqtt, ssl, tls or mqtts", s, u.Scheme)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("%q: a broker URL has no path, query or user (set mqtt.username)", s)
	}
	if p := u.Port(); p != "" {
		if _, err := parsePort(p); err != nil {
			return fmt.Errorf("%q: %w", s, err)
		}
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q has no host", s)
	}
	return nil
}

// MQTTUsesTLS reports whether broker is reached over TLS.
func MQTTUsesTLS(broker string) bool {
	u, err := url.Parse(broker)
	return err == nil && MQTTSchemes[u.Scheme] == 8883
}

// MQTTAddress is broker's host:port, with the scheme's default port.
func MQTTAddress(broker string) (string, error) {
	if err := checkBroker(broker); err != nil {
		return "", err
	}
	u, _ := url.Parse(broker)
	port := u.Port()
	if port == "" {
		port = strconv.Itoa(MQTTSchemes[u.Scheme])
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

// checkTopicPrefix accepts topic levels of printable characters without
// MQTT's wildcards (+ #), without a leading or trailing '/' or an empty
// level; "" is accepted where a default applies (mqtt.topic_prefix).
func checkTopicPrefix(s string, emptyOK bool) error {
	if s == "" {
		if emptyOK {
			return nil
		}
		return fmt.Errorf("must not be empty")
	}
	if len(s) > maxTopicPrefix {
		return fmt.Errorf("%q is longer than %d bytes", s, maxTopicPrefix)
	}
	if strings.ContainsAny(s, "+#") || strings.IndexFunc(s, notPrintable) >= 0 {
		return fmt.Errorf("%q must be printable characters without spaces, '+' or '#'", s)
	}
	for _, level := range strings.Split(s, "/") {
		if level == "" {
			return fmt.Errorf("%q has an empty topic level (a leading, trailing or double '/')", s)
		}
	}
	return nil
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }

// NodeID is this unit's name in MQTT: mqtt.client_id when set, else
// "skoip-" and the host name, lower case, with anything but letters,
// digits, '-' and '_' turned into '_'.
func (m MQTT) NodeID() string {
	if m.ClientID != "" {
		return m.ClientID
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unit"
	}
	return "skoip-" + sanitizeID(host)
}

// Prefix is the unit's topic prefix: mqtt.topic_prefix, else "skoip/" and
// the NodeID.
func (m MQTT) Prefix() string {
	if m.TopicPrefix != "" {
		return m.TopicPrefix
	}
	return "skoip/" + sanitizeID(m.NodeID())
}

func sanitizeID(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, s)
}

// maxCAFile bounds mqtt.ca_file: a bundle of a few hundred certificates.
const maxCAFile = 1 << 20

// LoadCAs reads a PEM file of CA certificates (mqtt.ca_file) of at most
// 1 MiB, as `skoip run` and `skoip check-config` read it: an error when it
// cannot be read, is larger, or holds no certificate.
func LoadCAs(path string) (*x509.CertPool, error) {
	// O_NONBLOCK: opening a named pipe must not wait for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxCAFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxCAFile)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s: no PEM certificate in it", path)
	}
	return pool, nil
}
