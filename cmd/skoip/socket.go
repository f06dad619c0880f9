package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/skoip/skoip/config"
)

// serviceSocket is where the systemd service's control socket is
// (RuntimeDirectory=skoip).
const serviceSocket = "/run/skoip/skoip.sock"

// ctlSocketPath is the socket `skoip ctl` talks to: control.socket when
// set; else the service's socket when it exists (an admin shell has no
// RuntimeDirectory), else where a `skoip run` of this user would put it.
func ctlSocketPath(cfg *config.Config) string {
	if cfg.Control.Socket == "" && os.Getenv("RUNTIME_DIRECTORY") == "" {
		if fi, err := os.Stat(serviceSocket); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return serviceSocket
		}
	}
	return socketPath(cfg)
}

// socketPath is where `skoip run` puts the control socket of cfg:
// control.socket, else systemd's RuntimeDirectory, else $XDG_RUNTIME_DIR,
// else /tmp/skoip-UID.sock.
func socketPath(cfg *config.Config) string {
	if cfg.Control.Socket != "" {
		return cfg.Control.Socket
	}
	for _, v := range []string{"RUNTIME_DIRECTORY", "XDG_RUNTIME_DIR"} {
		if d := os.Getenv(v); d != "" {
			return filepath.Join(filepath.SplitList(d)[0], "skoip.sock")
		}
	}
	return fmt.Sprintf("/tmp/skoip-%d.sock", os.Getuid())
}

// loadConfig loads path, or the file of the search order, or the defaults.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		var err error
		if path, err = config.Find(config.SearchPath()); err != nil {
			return nil, err
		}
	}
	return config.Load(path)
}
