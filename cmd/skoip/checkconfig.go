package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/skoip/skoip/cmd/skoip/internal/identity"
	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw/audio"
)

func cmdCheckConfig(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "check-config", "[--example] [FILE]",
		"Check a configuration file: exit 0 if it is valid, else exit 2 with one line per problem\n"+
			"(file:line: key: what is wrong). Without FILE, checks the file `skoip run` would use.")
	example := fs.Bool("example", false, "print the documented default configuration and exit")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *example {
		_, err := e.stdout.Write(config.Example())
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: one FILE at most", errUsage)
	}
	cfg, err := loadConfig(fs.Arg(0))
	if err != nil {
		return configError(e, err)
	}
	if err := decodeFiles(cfg); err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", cfg.Source, err)
		return exitCode(exitUsage)
	}
	if cfg.TLS() {
		// The TLS identity the start would use: a key that cannot be used
		// fails the start, so it is a problem of the configuration here.
		dir, err := intercom.StateDir(cfg.State.Dir, os.Getenv)
		if err == nil {
			err = identity.Check(dir)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: sip.tls_listen: the TLS identity: %v\n", cfg.Source, err)
			return exitCode(exitUsage)
		}
	}
	fmt.Fprintf(e.stdout, "%s: ok\n", cfg.Source)
	return nil
}

// decodeFiles decodes the WAV files that `skoip run` will decode, with the
// functions it decodes them with: intercom.LoadSounds for the prompts and, with the
// file backend, audio.LoadCapture for the capture file. config.Load has
// validated them already through the same media/wav checks and limits;
// this catches what only reading every sample shows (a disk that fails).
func decodeFiles(cfg *config.Config) error {
	if _, err := intercom.LoadSounds(cfg.Sounds, engineRate(cfg)); err != nil {
		return err
	}
	if cfg.Audio.Backend != config.BackendFile || cfg.Audio.Capture == "" {
		return nil
	}
	if _, err := audio.LoadCapture(cfg.Audio.Capture, cfg.Audio.SampleRate); err != nil {
		return fmt.Errorf("audio.capture: %w", err)
	}
	return nil
}

// configError prints a configuration's problems, one per line, and makes
// the exit code 2 (bad config).
func configError(e *env, err error) error {
	var ce *config.Error
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Fprintln(e.stderr, p)
		}
		return exitCode(exitUsage)
	}
	return fmt.Errorf("%w: %v", errUsage, err)
}
