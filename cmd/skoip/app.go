package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/skoip/skoip/config"
)

// app is one running intercom: the parts built from the config, and the
// control socket's commands over them.
type app struct {
	cfg     *config.Config
	log     *slog.Logger
	started time.Time
	mu      sync.Mutex
}

func runApp(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	a := &app{cfg: cfg, log: log, started: time.Now()}
	ctl, err := listenControl(socketPath(cfg), a.handlers(), log.With("component", "control"))
	if err != nil {
		return err
	}
	log.Info("control socket listening", "path", ctl.path)
	log.Warn("SIP, media and hardware are not built into this version yet: only the control socket runs")
	ctl.serve(ctx)
	return nil
}

// status is the reply to `skoip ctl status`.
type status struct {
	State      string  `json:"state"`
	Peer       string  `json:"peer"`
	CallID     string  `json:"call_id"`
	Codec      string  `json:"codec"`
	DurationS  float64 `json:"duration_s"`
	RTPRx      uint64  `json:"rtp_rx"`
	RTPTx      uint64  `json:"rtp_tx"`
	Registered *bool   `json:"registered"`
	UptimeS    float64 `json:"uptime_s"`
	Version    string  `json:"version"`
	procStats
}

func (a *app) handlers() map[string]handler {
	return map[string]handler{
		"status": func(context.Context, []string) (any, error) { return a.status(), nil },
	}
}

func (a *app) status() status {
	return status{
		State:     "idle",
		UptimeS:   time.Since(a.started).Seconds(),
		Version:   version,
		procStats: readProcStats(),
	}
}
