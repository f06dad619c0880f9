package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/skoip/skoip/cmd/skoip/internal/netconf"
	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
)

const networkHelp = `Apply the [network] section of the configuration (skoip-network.service runs this at boot, before
systemd-networkd and wpa_supplicant start): write the systemd-networkd files for the wired port and
Wi-Fi, and wpa_supplicant's file when Wi-Fi is configured (by skoip.toml, else by a wpa_supplicant.conf
in the --fat folder), each atomically; remove those of them that are no longer wanted; set the host
name (as root, with --root /); print one summary line. Exit 2 for a bad configuration, 1 when a file
cannot be written.`

func cmdNetwork(_ context.Context, e *env, args []string) error {
	flags := newFlags(e, "network", "[--config FILE] [--root DIR] [--fat DIR]", networkHelp)
	cfgPath := flags.String("config", "", "configuration file (default: the one `skoip run` uses)")
	root := flags.String("root", "/", "root of the file system to write into (and to read the serial number from)")
	fat := flags.String("fat", "/boot/firmware", "the boot partition, where a wpa_supplicant.conf may be")
	if err := parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, flags.Arg(0))
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return configError(e, err)
	}
	wpa := netconf.FATFile{Path: filepath.Join(*fat, "wpa_supplicant.conf")}
	wpa.Data, err = statefile.ReadRegular(wpa.Path, netconf.MaxFATWPA)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.stderr, "skoip network: %s: %v\n", wpa.Path, err)
		return exitCode(exitUsage)
	}
	plan, err := netconf.Build(cfg.Network, wpa, netconf.Serial(os.DirFS(*root)))
	if err != nil {
		fmt.Fprintf(e.stderr, "skoip network: %v\n", err)
		return exitCode(exitUsage)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(e.stderr, "skoip network: warning: %s\n", w)
	}
	if err := applyFiles(*root, plan.Files); err != nil {
		return err
	}
	if note := setHostname(*root, plan.Hostname); note != "" {
		fmt.Fprintf(e.stderr, "skoip network: %s\n", note)
	}
	fmt.Fprintln(e.stdout, plan.Summary())
	return nil
}

// applyFiles writes each file of files under root atomically, and removes
// the files of netconf.Managed that files does not hold.
func applyFiles(root string, files map[string]netconf.File) error {
	for _, p := range netconf.Managed() {
		path := filepath.Join(root, p)
		f, ok := files[p]
		if !ok {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing the stale %s: %w", path, err)
			}
			continue
		}
		// systemd-networkd reads its folder as its own user: 0755, not
		// statefile's 0750, for the folders made here.
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := statefile.WriteAtomic(path, f.Data, f.Mode); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}

// setHostname sets the kernel's host name when root is "/" and this
// process is root; otherwise, or on failure, it says why it did not.
func setHostname(root, name string) string {
	switch {
	case filepath.Clean(root) != "/":
		return fmt.Sprintf("host name %s not set (--root is not /)", name)
	case os.Geteuid() != 0:
		return fmt.Sprintf("host name %s not set (not root)", name)
	}
	if err := unix.Sethostname([]byte(name)); err != nil {
		return fmt.Sprintf("host name %s not set: sethostname: %v", name, err)
	}
	return ""
}
