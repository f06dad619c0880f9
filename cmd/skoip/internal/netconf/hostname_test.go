package netconf

import (
	"testing"
	"testing/fstest"
)

func TestSerialAndHostname(t *testing.T) {
	const cpuinfo = "processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nRevision\t: c03112\nSerial\t\t: 10000000ABCDEF99\nModel\t\t: Raspberry Pi 4 Model B Rev 1.2\n"
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  string // host name
	}{
		{"device tree", fstest.MapFS{
			"proc/device-tree/serial-number": {Data: []byte("10000000a1b2c3d4\x00")},
			"proc/cpuinfo":                   {Data: []byte(cpuinfo)},
		}, "skoip-b2c3d4"},
		{"cpuinfo", fstest.MapFS{"proc/cpuinfo": {Data: []byte(cpuinfo)}, "etc/machine-id": {Data: []byte("0123456789abcdef0123456789fedcba\n")}}, "skoip-cdef99"},
		{"zero serial, machine-id", fstest.MapFS{
			"proc/device-tree/serial-number": {Data: []byte("0000000000000000\x00")},
			"proc/cpuinfo":                   {Data: []byte("Serial\t\t: 0000000000000000\n")},
			"etc/machine-id":                 {Data: []byte("0123456789abcdef0123456789fedcba\n")},
		}, "skoip-fedcba"},
		{"not hex", fstest.MapFS{"proc/device-tree/serial-number": {Data: []byte("serial-xyz\x00")}}, "skoip"},
		{"too short", fstest.MapFS{"etc/machine-id": {Data: []byte("abc12\n")}}, "skoip"},
		{"nothing", fstest.MapFS{}, "skoip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Hostname("", Serial(tc.files)); got != tc.want {
				t.Errorf("host name %q, want %q", got, tc.want)
			}
		})
	}
	if got := Hostname("door", "10000000a1b2c3d4"); got != "door" {
		t.Errorf("network.hostname is not used: %q", got)
	}
}
