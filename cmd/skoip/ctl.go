package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/cmd/skoip/internal/history"
)

const ctlHelp = `Control a running ` + "`skoip run`" + ` over its Unix control socket. Commands:
  status            one line of JSON: state, peer, call_id, codec, duration_s, rtp_rx, rtp_tx,
                    registered, goroutines, rss_bytes, fds, leds, ...
  call [TARGET]     call TARGET (IP, ip:port, SIP URI or group:NAME; default peer.address)
  answer | hangup   answer the ringing call / end the call (or decline a ringing one)
  press NAME | release NAME    press or release a configured button
  dtmf DIGITS       send DTMF digits in the call
  open              send the door code to the far end (the inside unit's open button)
  door open         pulse this unit's own door relay (logged with who asked; refused while wrong
                    codes have locked the door out if door.lockout_local is set)
  dnd on|off        do-not-disturb: the call button calls calls.dnd_target or nobody (kept across
                    restarts)
  events            one JSON object per line as things happen, until interrupted: buttons, call
                    states, ringing, answers, DTMF digits, door codes, lockouts, the relay, the
                    registration, faults, the call's quality at hang-up, ring groups' stages and
                    attempts, voice messages; each with seq and time.
                    A reader that falls behind gets {"type":"dropped","missed":N} where the gap is
  play FILE         send a WAV file to the remote party during a call
  calls [--json]    the call history, oldest first (history.max_calls of them, kept across
                    restarts): a table, or {"calls":[{"start","direction","peer","target","button",
                    "outcome","reason","code","duration_s","codec","quality","door_opened"}...]}
  levels            a JSON line every 100 ms until interrupted: mic_peak_dbfs, mic_rms_dbfs,
                    speaker_peak_dbfs, speaker_rms_dbfs (for setting the gains)
  selftest [--relay]
                    the self-test of ` + "`skoip selftest`" + ` inside the running intercom (idle only)
  messages [play ID | delete ID]
                    voice messages left at the door (voicemail.enabled): {"messages":[{"id",
                    "time","duration_s","bytes"}...]} oldest first; play one on the door's speaker
                    (while no call is up); delete one
  mute | unmute     close or open the microphone
  update-fault      read the state folder's update-failed again (the fault "update"; the update
                    commands send it)
A command that fails at once (a target that cannot be dialled, no target, no such button, a call
already in progress) answers {"error": "..."} and ctl exits 1; a call that fails later (busy, no
answer) is only in the log.
The socket is --socket, else control.socket of --config (or of the file ` + "`skoip run`" + ` would use),
else the service's /run/skoip/skoip.sock when it exists, else $XDG_RUNTIME_DIR/skoip.sock or /tmp/skoip-UID.sock.`

func cmdCtl(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ctl", "[--socket PATH] [--config FILE] COMMAND [ARGS]", ctlHelp)
	sock := fs.String("socket", "", "control socket path")
	cfgPath := fs.String("config", "", "configuration file whose control.socket to use")
	timeout := fs.Duration("timeout", 40*time.Second, "how long to wait for the answer (events: how long to follow; unset, until interrupted)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: no COMMAND (see skoip ctl --help)", errUsage)
	}
	if *sock == "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		*sock = control.ClientPath(cfg)
	}
	if fs.Arg(0) == "events" || fs.Arg(0) == "levels" {
		// A stream: it lasts until interrupted, or --timeout when given.
		timed := false
		fs.Visit(func(f *flag.Flag) { timed = timed || f.Name == "timeout" })
		if timed {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, *timeout)
			defer cancel()
		}
		if err := control.Stream(ctx, *sock, strings.Join(fs.Args(), " "), e.stdout); err != nil {
			if strings.HasPrefix(err.Error(), `{"error":`) {
				return exitCode(exitFailure)
			}
			return err
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	line := fs.Args()
	table := line[0] == "calls" && !slices.Contains(line[1:], "--json")
	if line[0] == "calls" {
		line = []string{"calls"}
	}
	reply, err := control.Request(ctx, *sock, strings.Join(line, " "))
	if err != nil {
		return err
	}
	var r struct {
		Error string `json:"error"`
	}
	failed := json.Unmarshal([]byte(reply), &r) == nil && r.Error != ""
	if table && !failed {
		return printCalls(e.stdout, reply)
	}
	fmt.Fprintln(e.stdout, reply)
	if failed {
		return exitCode(exitFailure)
	}
	return nil
}

// printCalls writes `ctl calls`'s reply as a table, oldest first.
func printCalls(w io.Writer, reply string) error {
	var r struct {
		Calls []history.Entry `json:"calls"`
	}
	if err := json.Unmarshal([]byte(reply), &r); err != nil {
		return fmt.Errorf("calls: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "START (UTC)\tDIRECTION\tPEER\tOUTCOME\tDURATION\tCODEC\tLOST\tJITTER\tDOOR\tREASON")
	for _, c := range r.Calls {
		var q struct {
			Lost     int64   `json:"lost"`
			JitterMS float64 `json:"jitter_ms"`
		}
		lost, jitter := "", ""
		if len(c.Quality) > 0 && json.Unmarshal(c.Quality, &q) == nil {
			lost, jitter = fmt.Sprint(q.Lost), fmt.Sprintf("%.1f ms", q.JitterMS)
		}
		door := ""
		if c.DoorOpened {
			door = "opened"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.0f s\t%s\t%s\t%s\t%s\t%s\n", c.Start.UTC().Format("2006-01-02 15:04:05"),
			c.Direction, c.Peer, c.Outcome, c.DurationS, c.Codec, lost, jitter, door, c.Reason)
	}
	return tw.Flush()
}
