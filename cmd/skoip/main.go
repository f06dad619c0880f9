// Command skoip is the SKOIP door intercom: `skoip run` is the service,
// the other subcommands check its configuration, list devices and control
// a running instance. See `skoip --help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/skoip/skoip/config"
)

// Exit codes of the contract.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// errUsage marks errors that are the caller's fault (exit 2).
var errUsage = errors.New("usage")

// exitCode is an error whose message has already been printed: cli exits
// with the code and prints nothing more.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand may touch: no globals.
type env struct {
	stdout, stderr io.Writer
}

// subcommands are skoip's subcommands (the control socket's commands are
// in ctlcommands.go).
func subcommands() []command {
	return []command{
		{"run", "[--config FILE] [--log-level LEVEL]", "run the intercom in the foreground (systemd runs it this way)", cmdRun},
		{"check-config", "[--example] [FILE]", "check a configuration file; exit 2 with one line per problem", cmdCheckConfig},
		{"devices", "", "list the audio devices and GPIO chips of this machine", cmdDevices},
		{"identity", "[--config FILE]", "print this unit's TLS certificate fingerprint (for peers to pin), making it first if need be", cmdIdentity},
		{"selftest", "[--config FILE] [--json] [--relay]", "test speaker, microphone, buttons, LEDs, targets, clock and space; exit 1 when a check fails", cmdSelftest},
		{"network", "[--config FILE] [--root DIR] [--fat DIR]", "apply [network] at boot: systemd-networkd and wpa_supplicant files, the host name", cmdNetwork},
		{"slot", "[--boot DIR] SUBCOMMAND [ARGS]", "the A/B root slots: status, RAUC's boot-loader interface, boot check, confirmation", cmdSlot},
		{"update", "[--no-reboot] [--dir DIR] FILE|URL", "install an update bundle into the other slot and reboot into it", cmdUpdate},
		{"ctl", "[--socket PATH] [--config FILE] COMMAND [ARGS]", "control a running `skoip run` over its control socket", cmdCtl},
		{"version", "", "print the version", cmdVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, &env{stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// cli runs one subcommand and maps its error to an exit code.
func cli(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range subcommands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		var code exitCode
		switch {
		case errors.As(err, &code):
			return int(code)
		case err == nil, errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, errUsage):
			fmt.Fprintf(e.stderr, "skoip %s: %v\n", c.name, err)
			return exitUsage
		default:
			fmt.Fprintf(e.stderr, "skoip %s: %v\n", c.name, err)
			return exitFailure
		}
	}
	fmt.Fprintf(e.stderr, "skoip: unknown command %q (see skoip --help)\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "skoip %s: SIP door intercom for the Raspberry Pi\n\nUsage:\n", version)
	for _, c := range subcommands() {
		fmt.Fprintf(w, "  skoip %-13s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintf(w, "\nEach command takes --help. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad config.\n")
}

// newFlags makes a FlagSet whose --help prints to stdout and whose errors
// are usage errors.
func newFlags(e *env, name, args, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("skoip "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: skoip %s %s\n\n%s\n", name, args, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parse parses args, mapping flag errors to errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return fmt.Errorf("%w: %v", errUsage, err)
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
