package armvm

import (
	"reflect"
	"strings"
	"testing"
)

// A console as vminit prints it, with the kernel's messages around and
// between the markers, and "\r\n" line ends as the serial port sends them.
const consoleOK = "[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x410fd083]\r\n" +
	"armvm: module snd_aloop ok\r\n" +
	"armvm: wait /dev/snd/pcmC0D0p ok\r\n" +
	"armvm: begin a\r\n" +
	"line 1\r\n" +
	"armvm: end b exit=0\r\n" + // not a's end marker: output
	"[    5.100000] snd_aloop: a kernel message meanwhile\r\n" +
	"armvm: end a exit=3\r\n" +
	"armvm: file a 5 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 sub dir/f.txt\r\n" +
	"armvm: data aGVs\r\n" +
	"[    5.200000] a kernel message between data lines\r\n" +
	"armvm: data bG8=\r\n" +
	"armvm: endfile\r\n" +
	"armvm: file a 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 empty\r\n" +
	"armvm: endfile\r\n" +
	"armvm: begin slow\r\n" +
	"armvm: end slow exit=-1 error=timeout after 1s\r\n" +
	"armvm: done\r\n" +
	"[    6.400000] reboot: Power down\r\n"

func TestParseConsole(t *testing.T) {
	got, err := parseConsole(strings.ReplaceAll(consoleOK, "\r", ""))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]CommandResult{
		"a": {Exit: 3, Output: "line 1\narmvm: end b exit=0\n[    5.100000] snd_aloop: a kernel message meanwhile\n",
			Files: map[string][]byte{"sub dir/f.txt": []byte("hello"), "empty": {}}},
		"slow": {Exit: -1, Error: "timeout after 1s", Files: map[string][]byte{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseConsole:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseConsoleErrors(t *testing.T) {
	for _, c := range []struct {
		name, console, want string
	}{
		{"vminit error", "armvm: module snd ok\narmvm: error module snd_aloop: finit_module: invalid argument\narmvm: done\n",
			"module snd_aloop: finit_module: invalid argument"},
		{"no done", "armvm: begin a\n[    7.000000] Kernel panic - not syncing\n", "no done marker"},
		{"corrupt data", strings.Replace(consoleOK, "data bG8=", "data bGx=", 1), "do not match the file marker"},
		{"short data", strings.Replace(consoleOK, "armvm: data bG8=\r\n", "", 1), "do not match the file marker"},
		{"no endfile", strings.Replace(consoleOK, "armvm: endfile\r\narmvm: file", "armvm: file", 1), "no endfile marker"},
		{"bad end", strings.Replace(consoleOK, "exit=3", "exit=x", 1), "end marker of a"},
	} {
		_, err := parseConsole(strings.ReplaceAll(c.console, "\r", ""))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}
