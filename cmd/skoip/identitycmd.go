package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/identity"
	"github.com/skoip/skoip/phone"
)

const identityHelp = `Print this unit's TLS identity: the SHA-256 fingerprint of its certificate, which a peer pins (its
peer.tls_fingerprint) to trust this unit, then its name and expiry. The key and the self-signed certificate
are made in the state folder (tls.key, tls.crt) when there are none yet, as ` + "`skoip run`" + ` does with
sip.tls_listen.`

func cmdIdentity(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "identity", "[--config FILE]", identityHelp)
	cfgPath := fs.String("config", "", "configuration file (its state.dir)")
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
	dir := stateDir(cfg, slog.New(slog.DiscardHandler))
	cert, err := identity.Load(dir, cfg.Device.Name)
	if err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	fmt.Fprintln(e.stdout, phone.Fingerprint(cert.Certificate[0]))
	fmt.Fprintf(e.stdout, "name %q, valid until %s, in %s\n", cert.Leaf.Subject.CommonName,
		cert.Leaf.NotAfter.UTC().Format(time.DateOnly), dir)
	return nil
}
