package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/config/schedule"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media/acoustic"
	"github.com/skoip/skoip/phone"
)

// selftestReport is the result of a self-test: `skoip selftest --json`
// and `skoip ctl selftest` print it (one JSON object), and the table is
// made from it.
//
//	{"ok": false, "time": "2026-12-07T13:05:00Z",
//	 "checks": [{"name": "speaker", "ok": false, "detail": "..."}, ...],
//	 "acoustic": {"delay_ms": 37.5, "coupling_db": -20.1, "bands": [...], ...}}
//
// Check names, in this order: speaker, microphone, delay, clipping,
// dc_offset, hum, noise (the acoustic checks, from one played sweep);
// button:NAME (released at rest), led:NAME (driven), relay (pulsed, with
// --relay only); target:TARGET (answers OPTIONS; rtt_ms) for every
// destination the configuration calls; registration (with a PBX account);
// clock (synchronised); space:FOLDER (free space where messages and state
// are written). ok is true when every check is.
type selftestReport struct {
	OK       bool             `json:"ok"`
	Time     time.Time        `json:"time"`
	Checks   []selftestCheck  `json:"checks"`
	Acoustic *acoustic.Result `json:"acoustic,omitempty"`
}

// selftestCheck is one line of the report.
type selftestCheck struct {
	Name   string  `json:"name"`
	OK     bool    `json:"ok"`
	Detail string  `json:"detail"`
	RTTMS  float64 `json:"rtt_ms,omitempty"`
}

// selftestKit is what a self-test drives: the app's parts, or fakes.
type selftestKit struct {
	cfg     *config.Config
	probe   func(ctx context.Context, signal []int16, tail int) ([]int16, error) // nil: no audio
	pressed func() []string                                                      // buttons reading pressed now
	leds    interface {
		Names() []string
		Set(name string, p hw.Pattern) error
		State(name string) (hw.Pattern, bool)
	}
	relay        *hw.Relay // nil: none (or not to be pulsed)
	ping         func(ctx context.Context, target string) (time.Duration, int, error)
	registration func() *phone.Registration // nil without an account
	clock        func() (bool, string)
	folders      []string // where free space is checked
}

// Bounds of the checks.
const (
	selftestPingTimeout = 2 * time.Second
	selftestTail        = 4000     // 500 ms recorded after the sweep
	minFreeBytes        = 16 << 20 // free space a folder needs
	relayTestPulse      = 200 * time.Millisecond
)

// runSelftest runs every check; it takes a few seconds (the sweep, the
// pings at once).
func runSelftest(ctx context.Context, k selftestKit) selftestReport {
	rep := selftestReport{Time: time.Now().UTC().Truncate(time.Second)}
	add := func(c selftestCheck) { rep.Checks = append(rep.Checks, c) }
	rep.Acoustic = acousticChecks(ctx, k, add)
	for _, c := range gpioChecks(k) {
		add(c)
	}
	for _, c := range targetChecks(ctx, k) {
		add(c)
	}
	if k.registration != nil {
		r := k.registration()
		add(selftestCheck{Name: "registration", OK: r.Registered, Detail: registrationDetail(r)})
	}
	if ok, why := k.clock(); ok {
		add(selftestCheck{Name: "clock", OK: true, Detail: "synchronised"})
	} else {
		add(selftestCheck{Name: "clock", OK: !usesClock(k.cfg), Detail: why + clockMatters(k.cfg)})
	}
	for _, f := range k.folders {
		add(spaceCheck(f))
	}
	rep.OK = true
	for _, c := range rep.Checks {
		rep.OK = rep.OK && c.OK
	}
	return rep
}

// acousticChecks plays the sweep and judges the recording.
func acousticChecks(ctx context.Context, k selftestKit, add func(selftestCheck)) *acoustic.Result {
	if k.probe == nil {
		add(selftestCheck{Name: "speaker", Detail: "no audio device"})
		return nil
	}
	sig := acoustic.Signal()
	rec, err := k.probe(ctx, sig, selftestTail)
	if err != nil {
		add(selftestCheck{Name: "speaker", Detail: "cannot play and record: " + err.Error()})
		return nil
	}
	res, err := acoustic.Analyze(sig, rec)
	if err != nil {
		add(selftestCheck{Name: "speaker", Detail: "cannot analyse the recording: " + err.Error()})
		return nil
	}
	problem := func(check string) (bool, string) {
		for _, p := range res.Problems {
			if p.Check == check {
				return false, p.Msg
			}
		}
		return true, ""
	}
	for _, c := range []struct {
		check  string
		detail string
	}{
		{acoustic.CheckSpeaker, fmt.Sprintf("the microphone hears the speaker at %.1f dB", res.CouplingDB)},
		{acoustic.CheckMicrophone, fmt.Sprintf("noise floor %.1f dBFS, a voice at 50 cm would be %.0f dB above it", res.NoiseFloorDBFS, res.SNRVoiceDB)},
		{acoustic.CheckDelay, fmt.Sprintf("round trip %.1f ms (device and distance)", res.DelayMS)},
		{acoustic.CheckClipping, fmt.Sprintf("%.2f %% of the sweep clipped", 100*res.ClipFraction)},
		{acoustic.CheckDCOffset, fmt.Sprintf("offset %.4f of full scale", res.DCOffset)},
		{acoustic.CheckHum, humDetail(res)},
		{acoustic.CheckNoise, fmt.Sprintf("noise floor %.1f dBFS", res.NoiseFloorDBFS)},
	} {
		ok, msg := problem(c.check)
		if !ok {
			c.detail = msg
		}
		add(selftestCheck{Name: c.check, OK: ok, Detail: c.detail})
	}
	return &res
}

func humDetail(r acoustic.Result) string {
	if r.HumHz == 0 {
		return fmt.Sprintf("no mains hum (%.1f dB at 50/60 Hz over the noise)", r.HumDB)
	}
	return fmt.Sprintf("%d Hz hum %.1f dB over the noise", r.HumHz, r.HumDB)
}

// gpioChecks reads the buttons at rest and drives the LEDs (and the relay
// when k has one to pulse).
func gpioChecks(k selftestKit) []selftestCheck {
	var out []selftestCheck
	pressed := []string{}
	if k.pressed != nil {
		pressed = k.pressed()
	}
	for _, b := range k.cfg.Buttons {
		c := selftestCheck{Name: "button:" + b.Name, OK: true, Detail: "released (" + b.Pin + ")"}
		if slices.Contains(pressed, b.Name) {
			c.OK = false
			c.Detail = fmt.Sprintf("reads pressed at rest on %s: held, stuck, wired to another pin, or active_low wrong", b.Pin)
		}
		out = append(out, c)
	}
	if k.leds != nil {
		for _, name := range k.leds.Names() {
			c := selftestCheck{Name: "led:" + name, OK: true, Detail: "driven"}
			was, _ := k.leds.State(name)
			if err := k.leds.Set(name, hw.On); err != nil {
				c.OK, c.Detail = false, err.Error()
			} else if err := k.leds.Set(name, was); err != nil {
				c.OK, c.Detail = false, err.Error()
			}
			out = append(out, c)
		}
	}
	if k.relay != nil {
		c := selftestCheck{Name: "relay", OK: true, Detail: fmt.Sprintf("pulsed %v", relayTestPulse)}
		if err := k.relay.Pulse(relayTestPulse); err != nil {
			c.OK, c.Detail = false, err.Error()
		}
		out = append(out, c)
	}
	return out
}

// selftestTargets are the distinct destinations the configuration calls:
// peer.address and its fallback, the buttons' targets, calls.dnd_target and
// the profiles' targets, groups expanded to their members.
func selftestTargets(cfg *config.Config) []string {
	var roots []string
	roots = append(roots, cfg.Peer.Address, cfg.Peer.Fallback, cfg.Calls.DNDTarget)
	for _, b := range cfg.Buttons {
		if b.Action == config.ActionCall || b.Action == config.ActionToggle {
			roots = append(roots, b.Target)
		}
	}
	for _, p := range cfg.Profiles {
		for _, r := range p.Rules {
			if rule, err := config.ParseRule(r); err == nil && rule.Target != config.TargetDND {
				roots = append(roots, rule.Target)
			}
		}
	}
	var out []string
	for _, r := range roots {
		if r == "" {
			continue
		}
		for _, st := range cfg.Route(r) {
			for _, t := range st.Targets {
				if !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// targetChecks pings every destination at once.
func targetChecks(ctx context.Context, k selftestKit) []selftestCheck {
	targets := selftestTargets(k.cfg)
	out := make([]selftestCheck, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, selftestPingTimeout)
			defer cancel()
			c := selftestCheck{Name: "target:" + t}
			rtt, code, err := k.ping(pctx, t)
			switch {
			case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, phone.ErrTimeout):
				c.Detail = fmt.Sprintf("no answer to OPTIONS within %v: down, moved, or not a SIP phone", selftestPingTimeout)
			case err != nil:
				c.Detail = "no answer to OPTIONS: " + err.Error()
			default:
				c.OK = true
				c.RTTMS = math.Round(float64(rtt.Microseconds())/10) / 100
				c.Detail = fmt.Sprintf("answers OPTIONS (%d) in %.1f ms", code, c.RTTMS)
			}
			out[i] = c
		}()
	}
	wg.Wait()
	return out
}

func registrationDetail(r *phone.Registration) string {
	if r.Registered {
		return "registered until " + r.Expires.UTC().Format(time.RFC3339)
	}
	if r.Code != 0 {
		return fmt.Sprintf("not registered: %s (%d)", r.Reason, r.Code)
	}
	return "not registered: " + r.Reason
}

// usesClock reports whether a wrong clock changes what the unit does: a
// button follows a time profile that the clock must be trusted for.
func usesClock(cfg *config.Config) bool {
	if cfg.Device.TrustClock {
		return false
	}
	for _, b := range cfg.Buttons {
		if b.Profile != "" {
			return true
		}
	}
	return false
}

func clockMatters(cfg *config.Config) string {
	if usesClock(cfg) {
		return ": the time profiles are not applied until it is"
	}
	return " (no time profile depends on it)"
}

// spaceCheck reports the free space of the file system holding folder.
func spaceCheck(folder string) selftestCheck {
	c := selftestCheck{Name: "space:" + folder}
	var st syscall.Statfs_t
	at := folder // a folder made at the first write: its file system is its parent's
	for {
		if _, err := os.Stat(at); err == nil || filepath.Dir(at) == at {
			break
		}
		at = filepath.Dir(at)
	}
	if err := syscall.Statfs(at, &st); err != nil {
		c.Detail = err.Error()
		return c
	}
	free := st.Bavail * uint64(st.Bsize)
	c.OK = free >= minFreeBytes
	c.Detail = fmt.Sprintf("%.0f MiB free", float64(free)/(1<<20))
	if !c.OK {
		c.Detail += fmt.Sprintf(", less than %d MiB: messages and state cannot be written", minFreeBytes>>20)
	}
	return c
}

// printSelftest writes the report as a table: one line a check.
func printSelftest(w io.Writer, rep selftestReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range rep.Checks {
		mark := "ok"
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", mark, c.Name, c.Detail)
	}
	_ = tw.Flush()
	if a := rep.Acoustic; a != nil && len(a.BandsDB) > 0 {
		var b strings.Builder
		for _, band := range a.BandsDB {
			fmt.Fprintf(&b, " %d Hz %+.1f dB", band.HzCenter, band.DB)
		}
		fmt.Fprintf(w, "frequency response (relative to 1 kHz):%s\n", b.String())
	}
	if rep.OK {
		fmt.Fprintln(w, "self-test passed")
	} else {
		fmt.Fprintln(w, "self-test FAILED")
	}
}

// failures is the failed checks as one error (nil when none), for the
// "selftest" fault on the status LED.
func (rep selftestReport) failures() error {
	var names []string
	for _, c := range rep.Checks {
		if !c.OK {
			names = append(names, c.Name+": "+c.Detail)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return errors.New(strings.Join(names, "; "))
}

// systemClock is the clock check of the running system.
func systemClock() (bool, string) { return schedule.SystemClock().Valid() }

// errNotIdle: a self-test needs the speaker, the microphone and the line.
var errNotIdle = errors.New("a self-test needs an idle intercom: no call up or ringing")

// selftest runs the self-test on the running app (relay: pulse the door
// relay too) and shows a failure on the status LED as the "selftest"
// fault, cleared by a self-test that passes.
func (a *app) selftest(ctx context.Context, relay bool) (selftestReport, error) {
	if !a.selftesting.CompareAndSwap(false, true) {
		return selftestReport{}, errors.New("a self-test is already running")
	}
	defer a.selftesting.Store(false)
	if st := a.ph.Status(); st.State != phone.StateIdle {
		return selftestReport{}, fmt.Errorf("%w (state %s)", errNotIdle, st.State)
	}
	k := selftestKit{cfg: a.cfg, pressed: a.brd.Buttons.Pressed, leds: a.brd.LEDs, ping: a.ph.Ping, clock: systemClock}
	if a.eng != nil {
		k.probe = a.eng.Probe
	}
	if relay && a.relay != nil {
		k.relay = a.relay
	}
	if a.cfg.SIP.Account.Enabled() {
		k.registration = func() *phone.Registration { r := a.ph.Registration(); return &r }
	}
	if a.stateDir != "" {
		k.folders = append(k.folders, a.stateDir)
	}
	if a.vm != nil && a.vm.Dir() != a.stateDir {
		k.folders = append(k.folders, a.vm.Dir())
	}
	rep := runSelftest(ctx, k)
	if r := rep.Acoustic; r != nil && a.eng != nil && len(r.Problems) == 0 {
		// The round trip just measured is where the canceller's search starts.
		d := time.Duration(r.DelayMS * float64(time.Millisecond))
		a.eng.HintEchoDelay(d)
		a.log.Info("echo canceller: the self-test's round trip is its initial delay", "delay", d.Round(100*time.Microsecond))
		if err := intercom.SaveEchoDelay(a.stateDir, d, time.Now()); err != nil {
			a.log.Warn("the measured round trip is not kept", "err", err)
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return rep, ctx.Err()
	}
	if rep.Acoustic == nil && !rep.OK && a.ph.Status().State != phone.StateIdle {
		return rep, errNotIdle // a call came in during the test
	}
	a.ic.ReportFault("selftest", rep.failures())
	return rep, nil
}

// selftestAtBoot runs the self-test once the unit is ready and writes each
// check to the journal.
func (a *app) selftestAtBoot(ctx context.Context) {
	rep, err := a.selftest(ctx, false)
	if err != nil {
		a.log.Warn("self-test at boot not run", "err", err)
		return
	}
	for _, c := range rep.Checks {
		if c.OK {
			a.log.Info("self-test", "check", c.Name, "ok", true, "detail", c.Detail)
		} else {
			a.log.Warn("self-test", "check", c.Name, "ok", false, "detail", c.Detail)
		}
	}
	a.log.Info("self-test at boot", "ok", rep.OK)
}
