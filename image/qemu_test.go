package sdimage

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// vm is a qemu-system-aarch64 -M virt booting the test copy of the image.
type vm struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when QEMU has exited
	err     error         // its exit status, once done is closed
	console string        // serial console log
}

type vmConfig struct {
	kernel, initrd, disk string
	cmdline              string // the slot's cmdline.txt; QEMU's console and the agent are added
	console              string // file of the serial console
	sipPort              int    // host UDP port forwarded to the guest's 5060
	agentSock            string // Unix socket the agent port connects to
	noNetwork            bool   // no network card: a unit whose cable is out
}

// freeUDPPort returns a UDP port on 127.0.0.1 that was free a moment ago.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func startVM(ctx context.Context, t *testing.T, c vmConfig) *vm {
	t.Helper()
	v := &vm{done: make(chan struct{}), console: c.console}
	args := []string{
		"-M", "virt", "-cpu", "cortex-a72", "-smp", "2", "-m", "1024",
		"-display", "none", "-monitor", "none", "-no-reboot",
		"-serial", "file:" + v.console,
		"-kernel", c.kernel, "-initrd", c.initrd,
		"-append", strings.TrimSpace(c.cmdline) + " console=ttyAMA0 systemd.wants=skoip-test-agent.service",
		"-drive", "file=" + c.disk + ",if=none,id=hd,format=raw,cache=unsafe",
		"-device", "virtio-blk-pci,drive=hd",
		// A sound card, so that the service opens a real ALSA device in its sandbox.
		"-audiodev", "none,id=snd0", "-device", "intel-hda", "-device", "hda-duplex,audiodev=snd0",
		"-device", "virtio-serial-pci",
		"-chardev", "socket,id=agent,path=" + c.agentSock,
		"-device", "virtserialport,chardev=agent,name=skoip.test",
	}
	if !c.noNetwork {
		// User-mode networking: only 127.0.0.1 on the host side (the guest
		// reaches the host's 127.0.0.1 as 10.0.2.2).
		args = append(args, "-netdev", fmt.Sprintf("user,id=n0,hostfwd=udp:127.0.0.1:%d-:5060", c.sipPort),
			"-device", "virtio-net-pci,netdev=n0,romfile=") // no iPXE option ROM needed
	} else {
		args = append(args, "-nic", "none")
	}
	v.cmd = exec.CommandContext(ctx, "qemu-system-aarch64", args...)
	v.cmd.Stdout, v.cmd.Stderr = os.Stderr, os.Stderr
	if err := v.cmd.Start(); err != nil {
		t.Fatalf("qemu-system-aarch64: %v", err)
	}
	go func() {
		v.err = v.cmd.Wait()
		close(v.done)
	}()
	return v
}

// Close stops QEMU (if still running) and waits for it.
func (v *vm) Close() {
	select {
	case <-v.done:
		return
	default:
	}
	_ = v.cmd.Process.Kill()
	<-v.done
}

// tail is the end of the serial console, for failure messages.
func (v *vm) tail() string {
	b, _ := os.ReadFile(v.console)
	lines := strings.Split(string(b), "\n")
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	return strings.Join(lines, "\n")
}
