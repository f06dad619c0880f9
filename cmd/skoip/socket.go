package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/skoip/skoip/config"
)

// socketPath is where the control socket of cfg lives: control.socket, else
// systemd's RuntimeDirectory, else $XDG_RUNTIME_DIR, else /tmp/skoip-UID.sock.
// `skoip run` and `skoip ctl` resolve it the same way.
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
