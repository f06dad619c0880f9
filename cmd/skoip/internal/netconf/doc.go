// Package netconf turns the [network] section of skoip.toml, and a
// wpa_supplicant.conf found on the boot partition, into the files that
// systemd-networkd and wpa_supplicant read at boot, and the host name to
// set. It only computes: `skoip network` writes the files.
//
// What it makes:
//
//   - /run/systemd/network/10-skoip-wired.network: interfaces en* and eth*,
//     DHCP or the static address, route metric 100;
//   - /run/systemd/network/20-skoip-wireless.network: wl*, DHCP or the
//     static address, route metric 600, so that traffic goes by cable when
//     both are up and by Wi-Fi when the cable is out;
//   - /run/wpa_supplicant/wpa_supplicant-wlan0.conf (mode 0600), only with
//     Wi-Fi: the SSID in hex, the PSK as the 64 hex digits of the key that
//     PBKDF2-HMAC-SHA1(passphrase, SSID, 4096 rounds, 32 bytes) derives, as
//     wpa_passphrase(8) writes it, so the passphrase itself is not written;
//     or the boot partition's wpa_supplicant.conf, checked and copied, when
//     skoip.toml names no SSID.
//
// The output depends on its input alone, byte for byte.
package netconf
