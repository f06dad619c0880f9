//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
	"golang.org/x/sys/unix"
)

// loadModule loads one module with finit_module(2); one that is loaded
// already is fine. A compressed module (.ko.xz, .ko.zst) is left to the
// kernel to unpack, which works only with CONFIG_MODULE_DECOMPRESS.
func loadModule(m wire.Module) error {
	f, err := os.Open(m.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	flags := 0
	if !strings.HasSuffix(m.Path, ".ko") {
		flags = unix.MODULE_INIT_COMPRESSED_FILE
	}
	err = unix.FinitModule(int(f.Fd()), m.Params, flags)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("finit_module %s %q: %w", m.Path, m.Params, err)
	}
	return nil
}

// pollInterval is how often waitFor looks: devtmpfs creates the nodes
// from a kernel thread, and there is no udev to tell when.
const pollInterval = 10 * time.Millisecond

// waitFor waits until path exists or deadline passes.
func waitFor(path string, deadline time.Time) error {
	for {
		_, err := os.Stat(path)
		if err == nil {
			return nil
		}
		if !errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pollInterval)
	}
}
