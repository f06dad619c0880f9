package mqttbridge

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"os"

	"github.com/skoip/skoip/config"
)

// maxCAFile bounds mqtt.ca_file: a bundle of a few hundred certificates.
const maxCAFile = 1 << 20

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
	pem, err := readLimited(cfg.CAFile, maxCAFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCAFile, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%w: %s: no PEM certificate in it", ErrCAFile, cfg.CAFile)
	}
	c.RootCAs = pool
	return c, nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return data, nil
}
