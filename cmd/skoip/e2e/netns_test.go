package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// host is where a skoip process runs: a network namespace (ns != "") with
// one address on a veth link, or the machine's loopback.
type host struct {
	ns string
	ip string
}

// lab is two hosts joined by a link: the door side and the inside side.
type lab struct {
	door, inside host
	netns        bool
}

var labSeq atomic.Int64

// newLab makes two network namespaces joined by a veth pair, removed by
// t.Cleanup even when the test fails. Where namespaces cannot be made (not
// root, no `ip`, a kernel without them) it falls back to two loopback
// addresses and says so in the test log.
func newLab(t *testing.T) *lab {
	t.Helper()
	if reason := netnsUnavailable(); reason != "" {
		t.Logf("network namespaces unavailable (%s): using loopback 127.0.0.1 and 127.0.0.2", reason)
		return &lab{door: host{ip: "127.0.0.1"}, inside: host{ip: "127.0.0.2"}}
	}
	n := labSeq.Add(1)
	tag := fmt.Sprintf("%d%c%d", os.Getpid()%100000, 'x', n)
	a, b := "skoipd"+tag, "skoipi"+tag
	va, vb := "skd"+tag, "ski"+tag // veth names: at most 15 bytes
	t.Cleanup(func() {
		// Deleting a namespace deletes the veth end in it, and its peer.
		ipCmd("netns", "del", a)
		ipCmd("netns", "del", b)
	})
	steps := [][]string{
		{"netns", "add", a}, {"netns", "add", b},
		{"link", "add", va, "type", "veth", "peer", "name", vb},
		{"link", "set", va, "netns", a}, {"link", "set", vb, "netns", b},
		{"-n", a, "addr", "add", "10.77.0.1/24", "dev", va},
		{"-n", b, "addr", "add", "10.77.0.2/24", "dev", vb},
		{"-n", a, "link", "set", "lo", "up"}, {"-n", a, "link", "set", va, "up"},
		{"-n", b, "link", "set", "lo", "up"}, {"-n", b, "link", "set", vb, "up"},
	}
	if out, err := ipCmd(steps[0]...); err != nil {
		// A container without CAP_SYS_ADMIN: root, but no namespaces.
		t.Logf("network namespaces unavailable (ip netns add: %v: %s): using loopback 127.0.0.1 and 127.0.0.2", err, strings.TrimSpace(string(out)))
		return &lab{door: host{ip: "127.0.0.1"}, inside: host{ip: "127.0.0.2"}}
	}
	for _, s := range steps[1:] {
		if out, err := ipCmd(s...); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	t.Logf("network namespaces %s (10.77.0.1) and %s (10.77.0.2) joined by veth %s-%s", a, b, va, vb)
	return &lab{door: host{ns: a, ip: "10.77.0.1"}, inside: host{ns: b, ip: "10.77.0.2"}, netns: true}
}

func ipCmd(args ...string) ([]byte, error) {
	return exec.Command("ip", args...).CombinedOutput()
}

// netnsUnavailable says why namespaces cannot be made, or "".
func netnsUnavailable() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return "no `ip` command (Debian package iproute2)"
	}
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		return "kernel without network namespaces"
	}
	return ""
}

// command returns cmd to run on h (through `ip netns exec`, which execs it:
// the process's pid is the program's own, so signals reach it directly).
func (h host) command(name string, args ...string) *exec.Cmd {
	if h.ns == "" {
		return exec.Command(name, args...)
	}
	return exec.Command("ip", append([]string{"netns", "exec", h.ns, name}, args...)...)
}
