package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// status is the reply to `skoip ctl status`.
type status struct {
	State      string            `json:"state"`
	Peer       string            `json:"peer"`
	CallID     string            `json:"call_id"`
	Codec      string            `json:"codec"`
	DurationS  float64           `json:"duration_s"`
	RTPRx      uint64            `json:"rtp_rx"`
	RTPTx      uint64            `json:"rtp_tx"`
	Media      *mediaStatus      `json:"media,omitempty"` // while connected
	Registered *bool             `json:"registered"`
	SIP        string            `json:"sip"`
	LEDs       map[string]string `json:"leds"`
	Relay      *relayStatus      `json:"relay,omitempty"`
	DoorOpened int               `json:"door_opened"`
	Faults     map[string]string `json:"faults"`
	Audio      audio.Stats       `json:"audio"`
	UptimeS    float64           `json:"uptime_s"`
	Version    string            `json:"version"`
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
	Late           uint64  `json:"late"`
	Discarded      uint64  `json:"discarded"`
	ForeignDropped uint64  `json:"foreign_dropped"`
	CNRx           uint64  `json:"cn_rx"`
	CNTx           uint64  `json:"cn_tx"`
}

func newMediaStatus(s *media.Stats) *mediaStatus {
	if s == nil {
		return nil
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return &mediaStatus{Lost: s.Lost, JitterMS: ms(s.Jitter), RTTMS: ms(s.RTT), PlayoutDelayMS: ms(s.PlayoutDelay),
		Underruns: s.Underruns, Concealed: s.Concealed, Late: s.Late, Discarded: s.Discarded,
		ForeignDropped: s.ForeignDropped, CNRx: s.CNRx, CNTx: s.CNTx}
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
		Registered: a.ph.Registered(),
		SIP:        a.ph.Addr().String(),
		LEDs:       map[string]string{},
		Audio:      a.dev.Stats(),
		UptimeS:    time.Since(a.started).Seconds(), Version: version,
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
	err := a.ic.do(ctx, func() error {
		st.DoorOpened = a.ic.opened
		st.Faults = make(map[string]string, len(a.ic.faults))
		for k, v := range a.ic.faults {
			st.Faults[k] = v
		}
		return nil
	})
	return st, err
}

func (a *app) handlers() map[string]handler {
	ic := a.ic
	noArgs := func(f func(ctx context.Context) error) handler {
		return func(ctx context.Context, args []string) (any, error) {
			if len(args) != 0 {
				return nil, fmt.Errorf("takes no arguments")
			}
			return nil, f(ctx)
		}
	}
	oneArg := func(what string, f func(ctx context.Context, arg string) error) handler {
		return func(ctx context.Context, args []string) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("needs %s", what)
			}
			return nil, f(ctx, args[0])
		}
	}
	h := map[string]handler{
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
			return nil, ic.do(ctx, func() error { return ic.call(ic.root, target) })
		},
		"answer": noArgs(a.ph.Answer),
		"hangup": noArgs(func(ctx context.Context) error {
			return ic.do(ctx, func() error { return ic.hangup(ctx) })
		}),
		"open": noArgs(func(ctx context.Context) error {
			return ic.do(ctx, func() error { return ic.sendDoorCode(ctx) })
		}),
		"mute":    noArgs(func(context.Context) error { a.mic.SetMute(true); return nil }),
		"unmute":  noArgs(func(context.Context) error { a.mic.SetMute(false); return nil }),
		"dtmf":    oneArg("DIGITS", a.ph.SendDTMF),
		"press":   oneArg("a button NAME", a.press),
		"release": oneArg("a button NAME", a.release),
		"play":    oneArg("a WAV FILE", a.play),
	}
	if os.Getenv("SKOIP_DEBUG_HOOKS") == "1" {
		// debug-hang blocks the intercom's loop (it stops pinging the
		// systemd watchdog), to test that a hung loop gets restarted.
		h["debug-hang"] = noArgs(func(ctx context.Context) error {
			a.log.Warn("debug-hang: blocking the main loop on request")
			select {
			case ic.inject <- func() { <-ic.root.Done() }:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
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
	ic := a.ic
	err := ic.do(ctx, func() error {
		if err := ic.checkPress(name); err != nil || a.brd.sim != nil {
			return err
		}
		return ic.press(ic.root, name)
	})
	if err != nil || a.brd.sim == nil {
		return err
	}
	// Off the loop: the simulated line's event goes to the loop.
	return a.brd.sim.Press(name)
}

func (a *app) release(_ context.Context, name string) error {
	if _, ok := a.ic.button(name); !ok {
		return fmt.Errorf("no button %q in the config", name)
	}
	if a.brd.sim != nil {
		return a.brd.sim.Release(name)
	}
	return nil
}

// play sends a WAV file to the remote party during a call.
func (a *app) play(ctx context.Context, path string) error {
	if a.ph.Status().State != phone.StateConnected {
		return errNoCall
	}
	p, err := media.LoadPrompt(path, promptRate)
	if err != nil {
		return err
	}
	return a.ic.do(ctx, func() error {
		a.ic.playBackground(a.ic.root, p, media.ToRemote)
		return nil
	})
}
