package netconf

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/skoip/skoip/config"
)

// MaxFATWPA bounds the boot partition's wpa_supplicant.conf.
const MaxFATWPA = 64 << 10

// PMK is the WPA pairwise master key of passphrase on ssid, as
// wpa_passphrase(8) derives it (IEEE 802.11i, annex H.4):
// PBKDF2-HMAC-SHA1(passphrase, ssid, 4096, 32 bytes), in hex.
func PMK(passphrase, ssid string) (string, error) {
	k, err := pbkdf2.Key(sha1.New, passphrase, []byte(ssid), 4096, 32)
	if err != nil {
		return "", fmt.Errorf("netconf.PMK: %w", err)
	}
	return hex.EncodeToString(k), nil
}

// WPAConfig is a wpa_supplicant.conf for one WPA2-personal network:
// the SSID written in hex (no byte of it can break the file), the PSK as
// 64 hex digits (psk itself when it is the key, else the key derived from
// it), protected management frames when the access point offers them.
func WPAConfig(ssid, psk, country string) ([]byte, error) {
	if err := config.CheckPSK(psk); err != nil {
		return nil, fmt.Errorf("network.wifi_psk: %w", err)
	}
	key := strings.ToLower(psk)
	if len(psk) != 64 {
		var err error
		if key, err = PMK(psk, ssid); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "ctrl_interface=DIR=/run/wpa_supplicant\nupdate_config=0\ncountry=%s\n\n", country)
	fmt.Fprintf(&b, "network={\n\tssid=%s\n\tkey_mgmt=WPA-PSK WPA-PSK-SHA256\n\tieee80211w=1\n\tpsk=%s\n}\n",
		hex.EncodeToString([]byte(ssid)), key)
	return b.Bytes(), nil
}

// CheckFATWPA checks a wpa_supplicant.conf from the boot partition: at
// most 64 KiB of UTF-8 text without control characters but tabs and line
// ends, with a network={ block. It returns the file with CRLF line ends
// (a file saved on Windows) turned into LF.
func CheckFATWPA(data []byte) ([]byte, error) {
	if len(data) > MaxFATWPA {
		return nil, ErrWPATooLarge
	}
	if !utf8.Valid(data) || bytes.ContainsFunc(data, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f }) {
		return nil, ErrWPANotText
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.Join(strings.Fields(l), "")
		if strings.HasPrefix(l, "network={") {
			return data, nil
		}
	}
	return nil, ErrWPANoNetwork
}
