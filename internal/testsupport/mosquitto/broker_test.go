package mosquitto

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"testing"
	"time"
)

func TestBrokerRestartKeepsPort(t *testing.T) {
	b := Start(t)
	addr := b.Addr()
	r := Record(t, b.URL(), "t/#")
	Publish(t, Connect(t, b.URL()), "t/a", []byte("1"), false)
	r.Wait(0, 5*time.Second, "t/a", Is("t/a", "1"))
	b.Restart()
	if b.Addr() != addr {
		t.Fatalf("restarted on %s, want %s", b.Addr(), addr)
	}
	r2 := Record(t, b.URL(), "t/#")
	Publish(t, Connect(t, b.URL()), "t/b", []byte("2"), false)
	r2.Wait(0, 5*time.Second, "t/b", Is("t/b", "2"))
}

func TestBrokerTLS(t *testing.T) {
	b := Start(t, WithTLS())
	pem, err := os.ReadFile(b.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in CA file")
	}
	c, err := tls.Dial("tcp", b.TLSURL()[len("ssl://"):], &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("TLS with the test CA: %v", err)
	}
	c.Close()
}
