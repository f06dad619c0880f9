package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/skoip/skoip/cmd/skoip/internal/abboot"
	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

const slotHelp = `The A/B root slots of the SD-card image (see README, "Updates"). Subcommands:
  status                 the booted, committed and tried slot and the boot mode; the last failed
                         update, if one is recorded
  get-primary            RAUC's custom boot-loader interface (RAUC runs
  set-primary A|B          /usr/lib/skoip/rauc-bootloader, which runs these)
  get-state A|B
  set-state A|B good|bad
  boot-check             at each boot (skoip-slot-check.service): count a try's boots, notice a
                         failed one, give an unconfirmed slot up on its second boot (Pi 3 and older)
  confirm [--timeout D]  after skoip.service at each boot (skoip-slot-confirm.service): wait until
                         the intercom answers with no fault, print the boot's summary line; on a try
                         then ` + "`rauc status mark-good`" + `, or at the deadline reboot, back to the old slot
  install-boot DIR A|B   copy a slot's kernel, initramfs and device trees to the boot partition (the
                         update bundle's hook)
  clear-failed           forget the last failed update (the fault "update" on the status LED), which
                         a new try or a confirmed update also clears`

// slotEnv is where `skoip slot` looks: flags, so that tests run it on a
// folder.
type slotEnv struct {
	boot, cmdline, model string
}

func (s *slotEnv) flags(f *flag.FlagSet) {
	f.StringVar(&s.boot, "boot", "/boot/firmware", "the FAT boot partition")
	f.StringVar(&s.cmdline, "cmdline", "/proc/cmdline", "the kernel command line (rauc.slot= names the booted slot)")
	f.StringVar(&s.model, "model", "/proc/device-tree/model", "the board's model (the Pi 4 and later have tryboot)")
}

func (s slotEnv) open() (*abboot.Boot, error) {
	cl, err := os.ReadFile(s.cmdline)
	if err != nil {
		return nil, err
	}
	cur, err := abboot.CurrentFromCmdline(string(cl))
	if err != nil {
		return nil, err
	}
	model, _ := os.ReadFile(s.model) // none: not a Pi
	return &abboot.Boot{Dir: s.boot, Current: cur, Mode: abboot.ModeFor(string(model))}, nil
}

// cmdRunner runs a program (systemctl, rauc); tests replace it.
var cmdRunner = func(ctx context.Context, e *env, name string, args ...string) error {
	c := exec.CommandContext(ctx, name, args...)
	c.Stdout, c.Stderr = e.stdout, e.stderr
	return c.Run()
}

func cmdSlot(ctx context.Context, e *env, args []string) error {
	flags := newFlags(e, "slot", "[--boot DIR] SUBCOMMAND [ARGS]", slotHelp)
	var se slotEnv
	se.flags(flags)
	timeout := flags.Duration("timeout", 5*time.Minute, "confirm: how long the new slot has to come up")
	sock := flags.String("socket", "/run/skoip/skoip.sock", "the intercom's control socket")
	state := flags.String("state", defaultStateDir, "the intercom's state folder (where a failed update is recorded)")
	if err := parse(flags, args); err != nil {
		return err
	}
	sub, rest := flags.Arg(0), flags.Args()
	if len(rest) > 0 {
		// Flags may also follow the subcommand (confirm --timeout 5m).
		if err := parse(flags, rest[1:]); err != nil {
			return err
		}
		rest = flags.Args()
	}
	want := map[string]int{"status": 0, "get-primary": 0, "set-primary": 1, "get-state": 1, "set-state": 2,
		"boot-check": 0, "confirm": 0, "install-boot": 2, "clear-failed": 0}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("%w: no slot subcommand %q (see skoip slot --help)", errUsage, sub)
	}
	if len(rest) != n {
		return fmt.Errorf("%w: slot %s takes %d argument(s)", errUsage, sub, n)
	}
	var slot abboot.Slot
	if n > 0 && sub != "install-boot" {
		var err error
		if slot, err = abboot.ParseSlot(rest[0]); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	b, err := se.open()
	if err != nil {
		return err
	}
	if sub != "confirm" { // confirm waits, then runs rauc, which runs set-state
		unlock, err := lockDir(se.boot)
		if err != nil {
			return err
		}
		defer unlock()
	}
	switch sub {
	case "status":
		return slotStatus(e, b, *state)
	case "get-primary":
		p, err := b.Primary()
		if err == nil {
			fmt.Fprintln(e.stdout, p)
		}
		return err
	case "set-primary":
		return b.SetPrimary(slot)
	case "get-state":
		st, err := b.State(slot)
		if err == nil {
			fmt.Fprintln(e.stdout, st)
		}
		return err
	case "set-state":
		if rest[1] != "good" && rest[1] != "bad" {
			return fmt.Errorf("%w: set-state %s %q: good or bad", errUsage, slot, rest[1])
		}
		return b.SetState(slot, rest[1] == "good")
	case "boot-check":
		return bootCheck(ctx, e, b, *state, *sock)
	case "confirm":
		return confirmSlot(ctx, e, b, *state, *sock, *timeout)
	case "clear-failed":
		if err := clearUpdateFailure(*state); err != nil {
			return err
		}
		tellUpdateFault(ctx, *sock)
		return nil
	case "install-boot":
		s, err := abboot.ParseSlot(rest[1])
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		return b.InstallBoot(rest[0], s)
	}
	return nil
}

// lockDir holds an exclusive flock(2) on the folder until unlock: one
// `skoip slot` at a time reads and writes the boot partition's files (RAUC's
// calls, the boot check, an install's hook).
func lockDir(dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

func slotStatus(e *env, b *abboot.Boot, state string) error {
	c, err := b.Committed()
	if err != nil {
		return err
	}
	t, err := b.Pending()
	if err != nil {
		return err
	}
	try := "none"
	if t != nil {
		try = fmt.Sprintf("slot %s (from %s, %d boot(s))", t.To, t.From, t.Boots)
	}
	fmt.Fprintf(e.stdout, "booted %s, committed %s, trying %s, mode %s\n", b.Current, c, try, b.Mode)
	if uf := updateFailure(state); uf != nil {
		fmt.Fprintf(e.stdout, "%v (skoip slot clear-failed forgets it)\n", uf)
	}
	return nil
}

// bootCheck is skoip-slot-check.service: one journal line per outcome. A
// slot given up is recorded in state (the fault "update"); a new try
// clears what an older failure recorded.
func bootCheck(ctx context.Context, e *env, b *abboot.Boot, state, sock string) error {
	c, err := b.BootCheck()
	switch {
	case err != nil:
		fmt.Fprintf(e.stderr, "skoip slot: boot check: %v\n", err)
		return err
	case c.Reboot:
		msg := fmt.Sprintf("slot %s booted %d times without being confirmed; returning to slot %s",
			c.Failed, c.Boots, b.Current.Other())
		fmt.Fprintf(e.stderr, "skoip slot: update failed: %s\n", msg)
		noteUpdateFailure(ctx, e, state, sock, msg)
		return cmdRunner(ctx, e, "systemctl", "--no-block", "reboot")
	case c.Failed != "":
		msg := fmt.Sprintf("slot %s was not confirmed after %d boot(s); running slot %s, which stays",
			c.Failed, c.Boots, b.Current)
		fmt.Fprintf(e.stderr, "skoip slot: update failed: %s\n", msg)
		noteUpdateFailure(ctx, e, state, sock, msg)
	case c.Trying:
		if err := clearUpdateFailure(state); err != nil {
			fmt.Fprintf(e.stderr, "skoip slot: the last failed update stays recorded: %v\n", err)
		}
		fmt.Fprintf(e.stdout, "skoip slot: trying slot %s (boot %d): it is kept once skoip is up and well\n",
			b.Current, c.Boots)
	default:
		fmt.Fprintf(e.stdout, "skoip slot: booted slot %s\n", b.Current)
	}
	return nil
}

// healthy asks the intercom for its status: it answers (it is READY and
// its loop runs) and reports no fault but the network's (a PBX that is
// down is not the update's fault) or an earlier update's.
func healthy(ctx context.Context, sock string) error {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	reply, err := control.Request(rctx, sock, "status")
	if err != nil {
		return err
	}
	var st struct {
		State  string            `json:"state"`
		Faults map[string]string `json:"faults"`
		Error  string            `json:"error"`
	}
	if err := json.Unmarshal([]byte(reply), &st); err != nil {
		return fmt.Errorf("status reply %q: %w", reply, err)
	}
	if st.Error != "" || st.State == "" {
		return fmt.Errorf("status: %s", reply)
	}
	for k, v := range st.Faults {
		if k != "registration" && k != "update" {
			return fmt.Errorf("fault %s: %s", k, v)
		}
	}
	return nil
}

// confirmSlot is skoip-slot-confirm.service, at every boot once skoip is
// up: it waits (up to timeout) until the intercom is healthy and prints
// the boot's one-line summary. On a try it then marks the slot good, or
// at the deadline reboots, back to the old slot.
func confirmSlot(ctx context.Context, e *env, b *abboot.Boot, state, sock string, timeout time.Duration) error {
	t, err := b.Pending()
	if err != nil {
		return err
	}
	trying := t != nil && t.To == b.Current
	if !trying {
		timeout = min(timeout, time.Minute) // only the summary waits
	}
	deadline := time.Now().Add(timeout)
	last := healthy(ctx, sock)
	for last != nil && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
		last = healthy(ctx, sock)
	}
	line := summary(b.Current, last)
	if uf := updateFailure(state); uf != nil {
		line += "; " + uf.Error() // not this slot's health: the summary names it apart
	}
	fmt.Fprintln(e.stdout, line)
	switch {
	case !trying:
		return nil
	case last == nil:
		if err := cmdRunner(ctx, e, "rauc", "status", "mark-good"); err != nil {
			return fmt.Errorf("rauc status mark-good: %w", err)
		}
		fmt.Fprintf(e.stdout, "skoip slot: slot %s confirmed: skoip is up with no fault; it boots from now on\n", b.Current)
		if err := clearUpdateFailure(state); err != nil {
			fmt.Fprintf(e.stderr, "skoip slot: the last failed update stays recorded: %v\n", err)
		}
		tellUpdateFault(ctx, sock)
		return nil
	}
	msg := fmt.Sprintf("slot %s not healthy after %v (%v); rebooting into slot %s", b.Current, timeout, last, t.From)
	fmt.Fprintf(e.stderr, "skoip slot: update failed: %s\n", msg)
	noteUpdateFailure(ctx, e, state, sock, msg)
	return cmdRunner(ctx, e, "systemctl", "--no-block", "reboot")
}

// summary is the boot's one line: version, slot, host name, addresses and
// the intercom's health.
func summary(slot abboot.Slot, health error) string {
	host, _ := os.Hostname()
	var addrs []string
	if ifs, err := net.Interfaces(); err == nil {
		for _, ifc := range ifs {
			if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
				continue
			}
			as, _ := ifc.Addrs()
			for _, a := range as {
				if ip, ok := a.(*net.IPNet); ok && ip.IP.IsGlobalUnicast() {
					addrs = append(addrs, ifc.Name+" "+ip.IP.String())
				}
			}
		}
	}
	where := "no address yet"
	if len(addrs) > 0 {
		where = strings.Join(addrs, ", ")
	}
	check := "ok"
	if health != nil {
		check = "FAILED: " + health.Error()
	}
	return fmt.Sprintf("SKOIP %s, slot %s, %s: %s; self-check %s", version, slot, host, where, check)
}

const updateHelp = `Install an update bundle (a RAUC bundle made by ` + "`make bundle`" + `) into the other root slot and
reboot into it (--no-reboot: leave that to you). FILE, or an http(s) URL downloaded first into
--dir (on the data partition; a download that does not fit is refused and removed). RAUC checks
the bundle's signature against /etc/rauc/keyring.pem and its compatible string before it writes
anything; the new slot is kept only once skoip runs well on it (skoip-slot-confirm.service),
otherwise the next boot returns to this one. A refused bundle, a failed download and a slot given
up are recorded in --state and shown as the fault "update" (status LED, ctl status) until a new
try, a confirmed update or ` + "`skoip slot clear-failed`" + `. Run as root. Exit 1 when the bundle is refused.`

// raucReason keeps what one of RAUC's output streams says about why an
// install failed: the text of its last "LastError: " line (RAUC's last line
// is only "Installing `FILE` failed"), else its last non-empty line; at
// most 512 bytes of a line.
type raucReason struct {
	cur, last, lastErr []byte
}

func (l *raucReason) Write(p []byte) (int, error) {
	for _, c := range p {
		switch {
		case c == '\n':
			l.endLine()
		case len(l.cur) < 512:
			l.cur = append(l.cur, c)
		}
	}
	return len(p), nil
}

func (l *raucReason) endLine() {
	t := bytes.TrimSpace(l.cur)
	if _, after, ok := bytes.Cut(t, []byte("LastError: ")); ok && len(after) > 0 {
		l.lastErr = append(l.lastErr[:0], after...)
	}
	if len(t) > 0 {
		l.last = append(l.last[:0], t...)
	}
	l.cur = l.cur[:0]
}

// reasonOf is the reason of the first stream with a LastError line, else
// the last line of the last stream with one (a line not yet ended by a
// newline counts).
func reasonOf(streams ...*raucReason) string {
	last := ""
	for _, r := range streams {
		r.endLine()
		if len(r.lastErr) > 0 {
			return string(r.lastErr)
		}
		if len(r.last) > 0 {
			last = string(r.last)
		}
	}
	return last
}

// maxDownload bounds a downloaded bundle.
const maxDownload = 2 << 30

func cmdUpdate(ctx context.Context, e *env, args []string) error {
	flags := newFlags(e, "update", "[--no-reboot] [--dir DIR] FILE|URL", updateHelp)
	noReboot := flags.Bool("no-reboot", false, "install only")
	dir := flags.String("dir", "/data", "where a downloaded bundle is kept while it is installed")
	state := flags.String("state", defaultStateDir, "the intercom's state folder (where a failed update is recorded)")
	sock := flags.String("socket", "/run/skoip/skoip.sock", "the intercom's control socket")
	var se slotEnv
	se.flags(flags)
	if err := parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return fmt.Errorf("%w: one FILE or URL", errUsage)
	}
	b, err := se.open()
	if err != nil {
		return err
	}
	src := flags.Arg(0)
	if u, err := url.Parse(src); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		path, err := download(ctx, src, *dir)
		if err != nil {
			err = fmt.Errorf("download %s: %w", src, err)
			noteUpdateFailure(ctx, e, *state, *sock, err.Error())
			return err
		}
		defer os.Remove(path)
		src = path
	}
	// RAUC says why in its output (LastError on stdout, "Installing ...
	// failed" on stderr); its exit status does not. One reader per
	// stream: os/exec copies them on two goroutines.
	var out, errOut raucReason
	re := &env{stdout: io.MultiWriter(e.stdout, &out), stderr: io.MultiWriter(e.stderr, &errOut)}
	if err := cmdRunner(ctx, re, "rauc", "install", src); err != nil {
		why := err.Error()
		if l := reasonOf(&out, &errOut); l != "" {
			why = l
		}
		err = fmt.Errorf("the bundle was refused or could not be written (rauc install: %s); "+
			"nothing changed, slot %s stays", why, b.Current)
		noteUpdateFailure(ctx, e, *state, *sock, err.Error())
		return err
	}
	p, err := b.Primary()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "skoip update: installed into slot %s\n", p)
	if *noReboot {
		return nil
	}
	if b.Mode == abboot.ModeTryboot {
		return cmdRunner(ctx, e, "systemctl", "reboot", "0 tryboot")
	}
	return cmdRunner(ctx, e, "systemctl", "reboot")
}

// download fetches url into dir as update-*.raucb, at most maxDownload
// bytes, removing what it wrote on any failure (a full disk among them)
// and what earlier downloads left (a power cut during one).
func download(ctx context.Context, url, dir string) (path string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := (&http.Client{Timeout: 30 * time.Minute}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %s", resp.Status)
	}
	if resp.ContentLength > maxDownload {
		return "", fmt.Errorf("%d bytes: more than the %d a bundle may have", resp.ContentLength, int64(maxDownload))
	}
	// What a power cut or a kill left of earlier downloads.
	if old, err := filepath.Glob(filepath.Join(dir, "update-*.raucb")); err == nil {
		for _, o := range old {
			os.Remove(o)
		}
	}
	f, err := os.CreateTemp(dir, "update-*.raucb")
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	n, err := io.Copy(f, io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return "", err
	}
	if n > maxDownload {
		return "", fmt.Errorf("more than the %d bytes a bundle may have", int64(maxDownload))
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	return filepath.Clean(f.Name()), nil
}
