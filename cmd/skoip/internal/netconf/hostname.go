package netconf

import (
	"bufio"
	"bytes"
	"io"
	"io/fs"
	"strings"
)

// maxSerialFile bounds each file Serial reads (/proc/cpuinfo of a 4-core
// Pi is about 1 KB).
const maxSerialFile = 64 << 10

// Hostname is name, or "skoip-" and the last 6 hex digits of serial, or
// "skoip" when serial has fewer.
func Hostname(name, serial string) string {
	if name != "" {
		return name
	}
	if len(serial) < 6 {
		return "skoip"
	}
	return "skoip-" + serial[len(serial)-6:]
}

// Serial is the machine's serial number in lower-case hex, from root (the
// file system, "/" on the unit): /proc/device-tree/serial-number, else the
// Serial line of /proc/cpuinfo, else /etc/machine-id; "" when none holds
// at least 6 hex digits that are not all zero.
func Serial(root fs.FS) string {
	if s := cleanSerial(readSmall(root, "proc/device-tree/serial-number")); s != "" {
		return s
	}
	if s := cleanSerial(cpuinfoSerial(readSmall(root, "proc/cpuinfo"))); s != "" {
		return s
	}
	return cleanSerial(readSmall(root, "etc/machine-id"))
}

func readSmall(root fs.FS, name string) []byte {
	f, err := root.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, maxSerialFile))
	return b
}

// cpuinfoSerial is the value of the "Serial : ..." line of /proc/cpuinfo.
func cpuinfoSerial(cpuinfo []byte) []byte {
	sc := bufio.NewScanner(bytes.NewReader(cpuinfo))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "Serial" {
			return []byte(v)
		}
	}
	return nil
}

// cleanSerial is b without spaces and NULs, in lower case, if it is hex of
// at least 6 digits, not all zero (a board without a serial number).
func cleanSerial(b []byte) string {
	s := strings.ToLower(strings.Trim(string(b), " \t\r\n\x00"))
	if len(s) < 6 || strings.Trim(s, "0") == "" {
		return ""
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	return s
}
