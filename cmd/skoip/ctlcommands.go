package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/media"
)

// status is the reply to `skoip ctl status`.
type status struct {
	State      string       `json:"state"`
	Peer       string       `json:"peer"`
	CallID     string       `json:"call_id"`
	Codec      string       `json:"codec"`
	CodecRate  int          `json:"codec_rate_hz,omitempty"` // the codec's audio rate: 8000, or 16000 for G722 and opus
	DurationS  float64      `json:"duration_s"`
	RTPRx      uint64       `json:"rtp_rx"`
	RTPTx      uint64       `json:"rtp_tx"`
	Media      *mediaStatus `json:"media,omitempty"` // while connected
	Registered *bool        `json:"registered"`
	SIP        string       `json:"sip"`
	// TLSFingerprint is this unit's certificate's SHA-256 fingerprint, for
	// peers to pin (with sip.tls_listen).
	TLSFingerprint string            `json:"tls_fingerprint,omitempty"`
	LEDs           map[string]string `json:"leds"`
	Relay          *relayStatus      `json:"relay,omitempty"`
	DoorOpened     int               `json:"door_opened"`
	LockedOut      bool              `json:"locked_out"` // wrong codes: codes are ignored for now
	DND            bool              `json:"dnd"`
	Muted          bool              `json:"muted"`
	// Route is the ring group or fallback chain being called: its target,
	// the stage ringing (1-based) of how many, and who rings now.
	Route   *intercom.RouteStatus `json:"route,omitempty"`
	Faults  map[string]string     `json:"faults"`
	Audio   audio.Stats           `json:"audio"`
	UptimeS float64               `json:"uptime_s"`
	Version string                `json:"version"`
	procStats
}

// mediaStatus is how the call's audio is doing (media.Stats in JSON, times
// in milliseconds).
type mediaStatus struct {
	Lost           int64   `json:"lost"` // cumulative, RFC 3550 (duplicates make it smaller)
	JitterMS       float64 `json:"jitter_ms"`
	RTTMS          float64 `json:"rtt_ms"` // 0 until an RTCP report came back
	PlayoutDelayMS float64 `json:"playout_delay_ms"`
	Underruns      uint64  `json:"underruns"`
	Concealed      uint64  `json:"concealed"`
	FECRecovered   uint64  `json:"fec_recovered"` // of the concealed frames, those rebuilt from Opus's in-band FEC
	Late           uint64  `json:"late"`
	Discarded      uint64  `json:"discarded"`
	ForeignDropped uint64  `json:"foreign_dropped"`
	SRTPDropped    uint64  `json:"srtp_dropped"` // SRTP packets with a bad tag or replayed
	CNRx           uint64  `json:"cn_rx"`
	CNTx           uint64  `json:"cn_tx"`
	// The echo canceller, 0 when it is off: echo return loss enhancement
	// (how many dB of the echo it removes), the echo delay it found, and
	// the noise level at the microphone.
	ERLEDB      float64 `json:"erle_db"`
	EchoDelayMS float64 `json:"echo_delay_ms"`
	NoiseDBFS   float64 `json:"noise_dbfs"`
}

func newMediaStatus(s *media.Stats) *mediaStatus {
	if s == nil {
		return nil
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return &mediaStatus{Lost: s.Lost, JitterMS: ms(s.Jitter), RTTMS: ms(s.RTT), PlayoutDelayMS: ms(s.PlayoutDelay),
		Underruns: s.Underruns, Concealed: s.Concealed, FECRecovered: s.Recovered, Late: s.Late, Discarded: s.Discarded,
		ForeignDropped: s.ForeignDropped, SRTPDropped: s.SRTPDropped, CNRx: s.CNRx, CNTx: s.CNTx,
		ERLEDB: round1(s.ERLE), EchoDelayMS: ms(s.EchoDelay), NoiseDBFS: round1(s.NoiseDB)}
}

// round1 rounds to one decimal place; a NaN or an infinity (which JSON
// cannot carry) is 0.
func round1(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*10) / 10
}

type relayStatus struct {
	Active bool `json:"active"`
	Pulses int  `json:"pulses"`
}

func (a *app) status(ctx context.Context) (status, error) {
	ps := a.ph.Status()
	st := status{
		State: string(ps.State), Peer: ps.Peer, CallID: ps.CallID, Codec: ps.Codec,
		DurationS: ps.Duration.Seconds(), RTPRx: ps.RTPRx, RTPTx: ps.RTPTx, Media: newMediaStatus(ps.Media),
		CodecRate:  codecRate(ps.Media),
		Registered: a.ph.Registered(),
		SIP:        a.ph.Addr().String(), TLSFingerprint: a.fingerprint,
		LEDs:    map[string]string{},
		Audio:   a.dev.Stats(),
		UptimeS: time.Since(a.started).Seconds(), Version: version, Muted: a.muted.Load(),
		procStats: readProcStats(),
	}
	for _, n := range a.brd.LEDs.Names() {
		if p, ok := a.brd.LEDs.State(n); ok {
			st.LEDs[n] = p.String()
		}
	}
	if r := a.relay; r != nil {
		st.Relay = &relayStatus{Active: r.Active(), Pulses: r.Pulses()}
	}
	// The door count and the faults are the loop's: it is asked, but a
	// hung loop must not silence status, the first thing one reads then.
	lctx, cancel := context.WithTimeout(ctx, loopAnswer)
	defer cancel()
	snap, err := a.ic.Snapshot(lctx)
	switch {
	case err == nil:
		st.DoorOpened, st.Faults = snap.DoorOpened, snap.Faults
		st.LockedOut, st.DND, st.Route = snap.LockedOut, snap.DND, snap.Route
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		st.Faults = map[string]string{"intercom": fmt.Sprintf("the main loop has not answered for %v", loopAnswer)}
	default:
		return st, err
	}
	return st, nil
}

// loopAnswer bounds how long status waits for the intercom's loop.
const loopAnswer = 2 * time.Second

func (a *app) handlers() map[string]control.Handler {
	ic := a.ic
	noArgs := func(f func(ctx context.Context) error) control.Handler {
		return func(ctx context.Context, args []string) (any, error) {
			if len(args) != 0 {
				return nil, fmt.Errorf("takes no arguments")
			}
			return nil, f(ctx)
		}
	}
	oneArg := func(what string, f func(ctx context.Context, arg string) error) control.Handler {
		return func(ctx context.Context, args []string) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("needs %s", what)
			}
			return nil, f(ctx, args[0])
		}
	}
	h := map[string]control.Handler{
		"status": func(ctx context.Context, _ []string) (any, error) { return a.status(ctx) },
		"call": func(ctx context.Context, args []string) (any, error) {
			if len(args) > 1 {
				return nil, fmt.Errorf("call takes one TARGET at most")
			}
			target := ""
			if len(args) == 1 {
				target = args[0]
			}
			// The dial outlives this command: it belongs to the intercom.
			return nil, ic.Call(ctx, target)
		},
		"answer": noArgs(a.ph.Answer),
		"hangup": noArgs(ic.Hangup),
		"open":   noArgs(ic.SendDoorCode),
		"mute":   noArgs(func(ctx context.Context) error { return a.setMute(ctx, true, control.Peer(ctx)) }),
		"unmute": noArgs(func(ctx context.Context) error { return a.setMute(ctx, false, control.Peer(ctx)) }),
		"door":   oneArg("open", a.door),
		"dnd":    oneArg("on or off", a.dnd),
		"events": func(_ context.Context, args []string) (any, error) {
			if len(args) != 0 {
				return nil, fmt.Errorf("takes no arguments")
			}
			return a.bus, nil // a control.Streamer: the connection becomes the stream
		},
		"dtmf":     oneArg("DIGITS", a.ph.SendDTMF),
		"press":    oneArg("a button NAME", a.press),
		"release":  oneArg("a button NAME", a.release),
		"play":     oneArg("a WAV FILE", ic.Play),
		"messages": a.messages,
		"calls":    a.calls,
		"levels": func(_ context.Context, args []string) (any, error) {
			if len(args) != 0 {
				return nil, fmt.Errorf("takes no arguments")
			}
			if a.eng == nil {
				return nil, errors.New("no audio engine")
			}
			return levelsStream{a}, nil
		},
		// update-fault reads the state folder's update-failed again (the
		// root commands of an update say so after writing or removing it).
		"update-fault": noArgs(func(context.Context) error {
			ic.ReportFault("update", updateFailure(a.stateDir))
			return nil
		}),
		"selftest": func(ctx context.Context, args []string) (any, error) {
			relay := false
			switch {
			case len(args) == 1 && args[0] == "--relay":
				relay = true
			case len(args) != 0:
				return nil, fmt.Errorf("selftest takes --relay at most")
			}
			return a.selftest(ctx, relay)
		},
	}
	if os.Getenv("SKOIP_DEBUG_HOOKS") == "1" {
		// debug-hang blocks the intercom's loop (it stops pinging the
		// systemd watchdog), to test that a hung loop gets restarted.
		h["debug-hang"] = noArgs(func(ctx context.Context) error {
			a.log.Warn("debug-hang: blocking the main loop on request")
			return ic.HangLoop(ctx)
		})
	}
	return h
}

// press presses a button: through the simulated GPIO line where the GPIO is
// simulated (so debounce and events are the real ones), else by running the
// button's action directly. What is known at once to fail (no such button,
// a call with a bad target or while another is in progress) is the reply;
// a simulated press would only log it.
func (a *app) press(ctx context.Context, name string) error {
	if a.brd.sim == nil {
		return a.ic.Press(ctx, name)
	}
	if err := a.ic.CheckPress(ctx, name); err != nil {
		return err
	}
	// The simulated line's event goes to the intercom's loop.
	return a.brd.sim.Press(name)
}

func (a *app) release(_ context.Context, name string) error {
	if !a.ic.HasButton(name) {
		return fmt.Errorf("no button %q in the config", name)
	}
	if a.brd.sim != nil {
		return a.brd.sim.Release(name)
	}
	return nil
}

// door runs `ctl door open`: this unit's own relay, logged with who asked.
func (a *app) door(ctx context.Context, arg string) error {
	if arg != "open" {
		return fmt.Errorf("door: unknown action %q (want: door open)", arg)
	}
	return a.ic.OpenDoor(ctx, control.Peer(ctx))
}

// dnd runs `ctl dnd on|off`.
func (a *app) dnd(ctx context.Context, arg string) error {
	on, err := onOff(arg)
	if err != nil {
		return fmt.Errorf("dnd: %w", err)
	}
	return a.ic.SetDND(ctx, on, control.Peer(ctx))
}

// onOff reads "on" or "off".
func onOff(s string) (bool, error) {
	switch s {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not on or off", s)
}

// setMute closes (on) or opens the microphone for by, and tells the event
// stream when that changes anything.
func (a *app) setMute(_ context.Context, on bool, by string) error {
	a.mic.SetMute(on)
	if a.muted.Swap(on) != on {
		a.log.Info("microphone", "muted", on, "by", by)
		a.bus.Publish(events.Event{Type: events.Mute, On: events.Bool(on), By: by})
	}
	return nil
}

// codecRate is the connected call's codec audio rate, 0 when none.
func codecRate(m *media.Stats) int {
	if m == nil {
		return 0
	}
	return m.CodecRate
}
