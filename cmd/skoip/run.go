package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/skoip/skoip/config"
)

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "run", "[--config FILE] [--log-level LEVEL]",
		"Run the intercom in the foreground until SIGINT or SIGTERM (exit 0).\n"+
			"Without --config: /boot/firmware/skoip.toml, then /etc/skoip/skoip.toml, then the embedded defaults;\n"+
			"under systemd ($STATE_DIRECTORY) a good file is copied to last-good.toml there, and a bad one is\n"+
			"replaced by that copy (the fault \"config\" says so on the status LED and in `skoip ctl status`).")
	cfgPath := fs.String("config", "", "configuration file")
	level := fs.String("log-level", "", "debug, info, warn or error (default: log.level of the config)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, cfgFault, err := loadRunConfig(*cfgPath, os.Getenv("STATE_DIRECTORY"), config.SearchPath())
	if err != nil {
		return configError(e, err)
	}
	if *level == "" {
		*level = cfg.Log.Level
	}
	log, err := newLogger(e.stderr, *level)
	if err != nil {
		return err
	}
	log.Info("skoip starting", "version", version, "config", cfg.Source, "device", cfg.Device.Name)
	if cfgFault != nil {
		log.Error("config", "err", cfgFault)
	}
	if path := os.Getenv("SKOIP_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	// An error goes back to cli, which prints it as the one line that
	// says why (exit 1): "skoip run: audio: audio.Open: ...".
	if err := runApp(ctx, cfg, log, cfgFault); err != nil {
		return err
	}
	log.Info("skoip stopped")
	return nil
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("%w: log level %q is not debug, info, warn or error", errUsage, level)
	}
	return slog.New(newTraceHandler(w, &slog.HandlerOptions{Level: l})), nil
}
