package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/config"
)

const selftestHelp = `Test this unit as an installer would: play a sweep through the speaker and record the microphone
(round-trip delay, the speaker heard by the microphone, the frequency response in octave bands, clipping,
DC offset, mains hum, the noise floor), read each button at rest, drive each LED (the relay only with
--relay), send OPTIONS to every destination the configuration calls, check the registration with a PBX
account, the clock and the free space of the state folder. When ` + "`skoip run`" + ` is running (its control
socket answers), the test runs inside it (it needs an idle intercom); otherwise this command opens the
sound card, the GPIO and SIP itself. A table, or with --json one JSON object ({"ok", "time", "checks":
[{"name", "ok", "detail", "rtt_ms"}], "acoustic": {...}}). Exit 0 when every check passes, 1 otherwise.`

func cmdSelftest(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "selftest", "[--config FILE] [--json] [--relay]", selftestHelp)
	cfgPath := fs.String("config", "", "configuration file")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	relay := fs.Bool("relay", false, "also pulse the door relay (200 ms)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return configError(e, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	rep, err := selftestViaService(ctx, control.ClientPath(cfg), *relay)
	if errors.Is(err, errNoService) {
		log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		rep, err = selftestStandalone(ctx, cfg, log, *relay)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, string(b))
	} else {
		printSelftest(e.stdout, rep)
	}
	if !rep.OK {
		return exitCode(exitFailure)
	}
	return nil
}

// errNoService: no `skoip run` answers on the control socket.
var errNoService = errors.New("no running skoip")

// selftestViaService asks the running service for the self-test.
func selftestViaService(ctx context.Context, sock string, relay bool) (selftestReport, error) {
	line := "selftest"
	if relay {
		line += " --relay"
	}
	reply, err := control.Request(ctx, sock, line)
	var se syscall.Errno
	var oe *net.OpError
	if err != nil && (errors.As(err, &se) || errors.As(err, &oe)) {
		return selftestReport{}, errNoService
	}
	if err != nil {
		return selftestReport{}, err
	}
	var r struct {
		selftestReport
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(reply), &r); err != nil {
		return selftestReport{}, fmt.Errorf("selftest: the service's reply: %w", err)
	}
	if r.Error != "" {
		return selftestReport{}, fmt.Errorf("selftest: %s", r.Error)
	}
	return r.selftestReport, nil
}

// selftestStandalone opens the unit's parts as `skoip run` does, runs the
// SIP stack for the pings, tests, and closes everything.
func selftestStandalone(ctx context.Context, cfg *config.Config, log *slog.Logger, relay bool) (rep selftestReport, err error) {
	a, err := build(ctx, cfg, log, realOpeners())
	if err != nil {
		return rep, err
	}
	defer closeInto(&err, "close", a.close)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.ph.Run(rctx) }()
	defer func() {
		cancel()
		<-done
	}()
	select {
	case <-a.ph.Ready():
	case err := <-done:
		return rep, fmt.Errorf("sip: %w", err)
	}
	icDone := make(chan struct{})
	go func() { defer close(icDone); a.ic.Run(rctx) }()
	defer func() { cancel(); <-icDone }()
	return a.selftest(ctx, relay)
}
