package control

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/skoip/skoip/config"
)

// ServiceSocket is where the systemd service's control socket is
// (RuntimeDirectory=skoip).
const ServiceSocket = "/run/skoip/skoip.sock"

// ClientPath is the socket `skoip ctl` talks to: control.socket when
// set; else the service's socket when it exists (an admin shell has no
// RuntimeDirectory), else where a `skoip run` of this user would put it.
func ClientPath(cfg *config.Config) string {
	if cfg.Control.Socket == "" && os.Getenv("RUNTIME_DIRECTORY") == "" {
		if fi, err := os.Stat(ServiceSocket); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return ServiceSocket
		}
	}
	return ServerPath(cfg)
}

// ServerPath is where `skoip run` puts the control socket of cfg:
// control.socket, else systemd's RuntimeDirectory, else $XDG_RUNTIME_DIR,
// else /tmp/skoip-UID.sock.
func ServerPath(cfg *config.Config) string {
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
