package mqttbridge

import (
	"crypto/tls"
	"fmt"

	"github.com/skoip/skoip/config"
)

// tlsConfig is the TLS setup for cfg's broker: nil for a plain broker;
// TLS 1.2 or later with the certificate always verified, against the CAs
// of cfg.CAFile (PEM) when set, else the system's.
func tlsConfig(cfg config.MQTT) (*tls.Config, error) {
	if !config.MQTTUsesTLS(cfg.Broker) {
		if cfg.CAFile != "" {
			return nil, fmt.Errorf("%w: %q is set but broker %q is not TLS (ssl://, tls://, mqtts://)",
				ErrCAFile, cfg.CAFile, cfg.Broker)
		}
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile == "" {
		return c, nil
	}
	pool, err := config.LoadCAs(cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCAFile, err)
	}
	c.RootCAs = pool
	return c, nil
}
