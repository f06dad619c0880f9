// Command vmprobe runs in the VMs of armvm_test.go, built for arm64 and
// for 32-bit ARM. It first prints what it was built for and the machine
// that uname reports, then does one of:
//
//	vmprobe snd              list /dev/snd, print /proc/asound/cards
//	vmprobe exit N           exit with status N
//	vmprobe copy SRC NAME    copy SRC to $ARMVM_OUT/NAME
//	vmprobe sleep DURATION   sleep
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vmprobe:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return err
	}
	goarm := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOARM" {
				goarm = s.Value
			}
		}
	}
	fmt.Printf("goarch=%s goarm=%s machine=%s\n", runtime.GOARCH, goarm, unix.ByteSliceToString(u.Machine[:]))
	if len(args) == 0 {
		return fmt.Errorf("usage: vmprobe snd|exit N|copy SRC NAME|sleep DURATION")
	}
	switch {
	case args[0] == "snd":
		return snd()
	case args[0] == "exit" && len(args) == 2:
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		os.Exit(n)
	case args[0] == "copy" && len(args) == 3:
		return copyOut(args[1], args[2])
	case args[0] == "sleep" && len(args) == 2:
		d, err := time.ParseDuration(args[1])
		if err != nil {
			return err
		}
		time.Sleep(d)
		return nil
	}
	return fmt.Errorf("bad arguments %q", args)
}

func snd() error {
	ents, err := os.ReadDir("/dev/snd")
	if err != nil {
		return err
	}
	for _, e := range ents {
		fmt.Println("/dev/snd/" + e.Name())
	}
	cards, err := os.ReadFile("/proc/asound/cards")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(cards)
	return err
}

func copyOut(src, name string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	dst := filepath.Join(os.Getenv("ARMVM_OUT"), name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
