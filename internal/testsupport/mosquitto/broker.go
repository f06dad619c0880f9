package mosquitto

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Path is where Debian installs the broker.
const Path = "/usr/sbin/mosquitto"

// startTimeout bounds how long a broker may take to accept connections.
const startTimeout = 10 * time.Second

// Broker is one mosquitto process for a test.
type Broker struct {
	t       testing.TB
	dir     string
	port    int // plain MQTT
	tlsPort int // 0 without WithTLS
	caFile  string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has been waited for
}

// Option changes what Start sets up.
type Option func(*Broker)

// WithTLS adds a TLS listener with a generated CA and server certificate.
func WithTLS() Option {
	return func(b *Broker) { b.tlsPort = -1 }
}

// Start runs a broker on free loopback ports; see the package comment.
func Start(t testing.TB, opts ...Option) *Broker {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		t.Fatalf("%s: %v: install mosquitto (make test installs it)", Path, err)
	}
	b := &Broker{t: t, dir: t.TempDir()}
	for _, o := range opts {
		o(b)
	}
	if b.tlsPort != 0 {
		ca, err := writeCerts(b.dir)
		if err != nil {
			t.Fatalf("mosquitto: test certificates: %v", err)
		}
		b.caFile = ca
	}
	t.Cleanup(b.cleanup)
	var err error
	for range 5 { // a port picked free may be taken before mosquitto binds it
		if err = b.pickPorts(); err != nil {
			continue
		}
		if err = b.start(); err == nil {
			return b
		}
	}
	t.Fatalf("mosquitto: %v", err)
	return nil
}

// URL is the plain listener's broker URL, "tcp://127.0.0.1:PORT".
func (b *Broker) URL() string { return "tcp://" + b.Addr() }

// Addr is the plain listener's "127.0.0.1:PORT".
func (b *Broker) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)) }

// TLSURL is the TLS listener's broker URL, "ssl://127.0.0.1:PORT".
func (b *Broker) TLSURL() string {
	return "ssl://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(b.tlsPort))
}

// CAFile is the PEM file of the CA that signed the TLS listener's
// certificate ("" without WithTLS).
func (b *Broker) CAFile() string { return b.caFile }

// Stop ends the broker and waits for it; stopping a stopped broker does
// nothing.
func (b *Broker) Stop() {
	b.t.Helper()
	if b.cmd == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(5 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.exited
	}
	b.cmd = nil
}

// Restart stops the broker if it runs and starts it on the same ports.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	if err := b.start(); err != nil {
		b.t.Fatalf("mosquitto restart: %v", err)
	}
}

func (b *Broker) cleanup() {
	b.Stop()
	if b.t.Failed() {
		if log, err := os.ReadFile(filepath.Join(b.dir, "mosquitto.log")); err == nil {
			b.t.Logf("mosquitto log:\n%s", log)
		}
	}
}

func (b *Broker) pickPorts() error {
	var err error
	if b.port, err = freePort(); err != nil {
		return err
	}
	if b.tlsPort != 0 {
		b.tlsPort, err = freePort()
	}
	return err
}

// freePort is a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs mosquitto with the configuration and waits until it accepts.
func (b *Broker) start() error {
	conf := filepath.Join(b.dir, "mosquitto.conf")
	if err := os.WriteFile(conf, []byte(b.config()), 0o600); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(b.dir, "mosquitto.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(Path, "-c", conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", Path, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	b.cmd, b.exited = cmd, exited
	if err := b.waitAccepting(); err != nil {
		b.Stop()
		return err
	}
	return nil
}

// waitAccepting polls the listeners until they accept or the broker exits.
func (b *Broker) waitAccepting() error {
	deadline := time.Now().Add(startTimeout)
	for _, port := range []int{b.port, b.tlsPort} {
		if port == 0 {
			continue
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-b.exited:
				return errors.New("mosquitto exited at start (port taken?)")
			case <-time.After(10 * time.Millisecond): // poll interval
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s not accepting after %v", addr, startTimeout)
			}
		}
	}
	return nil
}

// config is mosquitto.conf. Run as root, mosquitto drops to the user
// "mosquitto", who could not read the test's folder: it stays who we are.
func (b *Broker) config() string {
	s := fmt.Sprintf("per_listener_settings false\nallow_anonymous true\npersistence false\n"+
		"log_dest stderr\nlog_type all\nlistener %d 127.0.0.1\n", b.port)
	if u, err := user.Current(); err == nil {
		s += "user " + u.Username + "\n"
	}
	if b.tlsPort != 0 {
		s += fmt.Sprintf("listener %d 127.0.0.1\ncertfile %s\nkeyfile %s\ntls_version tlsv1.2\n",
			b.tlsPort, filepath.Join(b.dir, "server.pem"), filepath.Join(b.dir, "server.key"))
	}
	return s
}
