package phone_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// selfSigned makes a key and a self-signed certificate named cn.
func selfSigned(t testing.TB, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// pinned trusts the certificates whose fingerprints are given.
func pinned(fps ...string) func([]*x509.Certificate, string) error {
	return func(chain []*x509.Certificate, _ string) error {
		got := phone.Fingerprint(chain[0].Raw)
		for _, fp := range fps {
			if fp == got {
				return nil
			}
		}
		return errors.New("fingerprint not pinned")
	}
}

func tlsPhone(t *testing.T, name string, cert tls.Certificate, verify func([]*x509.Certificate, string) error, cfg phone.Config) *testPhone {
	cfg.DeviceName = name
	cfg.TLS = &phone.TLS{Listen: "127.0.0.1:0", Certificate: cert, VerifyPeer: verify}
	return startPhone(t, cfg)
}

// tlsAddr is a phone's TLS address, from its log line.
func tlsTarget(t *testing.T, tp *testPhone) string {
	t.Helper()
	for _, l := range strings.Split(tp.logs.String(), "\n") {
		if i := strings.Index(l, "tls="); i >= 0 {
			return "sips:inside@" + strings.Fields(l[i+4:])[0]
		}
	}
	t.Fatalf("no TLS address in the log:\n%s", tp.logs.String())
	return ""
}

func TestCallOverTLSWithPinnedFingerprints(t *testing.T) {
	ca, cb := selfSigned(t, "door"), selfSigned(t, "inside")
	fa, fb := phone.Fingerprint(ca.Certificate[0]), phone.Fingerprint(cb.Certificate[0])
	a := tlsPhone(t, "door", ca, pinned(fb), phone.Config{})
	b := tlsPhone(t, "inside", cb, pinned(fa), phone.Config{AutoAnswer: true})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := a.Dial(ctx, tlsTarget(t, b)); err != nil {
		t.Fatalf("Dial over TLS: %v\n%s", err, a.logs.String())
	}
	b.waitState(t, phone.StateConnected)
	if err := a.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.waitEnded(t)

	// A caller whose client certificate the callee does not trust fails
	// at once (the refusal comes inside a TLS 1.2 handshake), nothing rings.
	stranger := tlsPhone(t, "stranger", selfSigned(t, "stranger"), pinned(fb), phone.Config{})
	start := time.Now()
	err := stranger.Dial(ctx, tlsTarget(t, b))
	if err == nil || !strings.Contains(err.Error(), "certificate") || time.Since(start) > 2*time.Second {
		t.Errorf("a caller with an untrusted certificate: %v after %v", err, time.Since(start))
	}
	if st := b.Status(); st.State != phone.StateIdle {
		t.Errorf("the callee rang for an untrusted caller: %+v", st)
	}

	// A server whose fingerprint is not pinned: nothing rings.
	c := tlsPhone(t, "other", selfSigned(t, "other"), pinned(fa), phone.Config{AutoAnswer: true})
	err = a.Dial(ctx, tlsTarget(t, c))
	if err == nil || !strings.Contains(a.logs.String()+err.Error(), "not trusted") {
		t.Errorf("a call to an unpinned server: %v", err)
	}
	if st := c.Status(); st.State != phone.StateIdle {
		t.Errorf("the unpinned server rang: %+v", st)
	}
}

// Garbage and a stalled handshake on the TLS port are dropped; a real
// call still gets through meanwhile.
func TestTLSPortGarbageAndStall(t *testing.T) {
	ca, cb := selfSigned(t, "door"), selfSigned(t, "inside")
	a := tlsPhone(t, "door", ca, pinned(phone.Fingerprint(cb.Certificate[0])), phone.Config{})
	b := tlsPhone(t, "inside", cb, pinned(phone.Fingerprint(ca.Certificate[0])), phone.Config{AutoAnswer: true})
	addr := strings.TrimPrefix(tlsTarget(t, b), "sips:inside@")
	var stalled []net.Conn
	for i := 0; i < 5; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		stalled = append(stalled, c) // never sends a ClientHello
		defer c.Close()
	}
	g, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(g, "INVITE sip:x@y SIP/2.0\r\n\r\n")
	g.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := g.Read(make([]byte, 100)); err == nil {
		// The TLS server answers a non-TLS client with an alert at most.
	}
	g.Close()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := a.Dial(ctx, tlsTarget(t, b)); err != nil {
		t.Fatalf("a call beside stalled and garbage connections: %v", err)
	}
	b.waitState(t, phone.StateConnected)
	_ = stalled
}

// SRTP keys are exchanged only over TLS: a TLS call with encryption
// "required" on both sides carries SRTP params both ways and its DTMF is
// secure; with "required", a plain target is refused before anything is
// sent, and a plain INVITE gets 488.
func TestSRTPOverTLS(t *testing.T) {
	ca, cb := selfSigned(t, "door"), selfSigned(t, "inside")
	fa, fb := phone.Fingerprint(ca.Certificate[0]), phone.Fingerprint(cb.Certificate[0])
	a := tlsPhone(t, "door", ca, pinned(fb), phone.Config{Encryption: "required", DTMF: true})
	b := tlsPhone(t, "inside", cb, pinned(fa), phone.Config{Encryption: "required", AutoAnswer: true, DTMF: true})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := a.Dial(ctx, tlsTarget(t, b)); err != nil {
		t.Fatalf("Dial: %v", err)
	}
	b.waitState(t, phone.StateConnected)
	pa, pb := a.media.Streams()[0].Params()[0], b.media.Streams()[0].Params()[0]
	if pa.SRTP == nil || pb.SRTP == nil || string(pa.SRTP.LocalKey) != string(pb.SRTP.RemoteKey) ||
		string(pb.SRTP.LocalKey) != string(pa.SRTP.RemoteKey) || pa.SRTP.Suite != pb.SRTP.Suite {
		t.Fatalf("SRTP params: door %+v, inside %+v", pa.SRTP, pb.SRTP)
	}
	if err := b.SendDTMF(ctx, "5"); err != nil {
		t.Fatal(err)
	}
	// The fake media delivers no RTP: the digit goes by SIP INFO when the
	// stream does not take it; either way the event says whether it is secure.
	b.media.Streams()[0].Emit(media.Event{Kind: media.EventDTMF, Digit: '7'})
	ev := b.waitEvent(t, "dtmf", func(ev phone.Event) bool { return ev.Kind == phone.EventDTMF })
	if !ev.Secure {
		t.Errorf("a digit in a TLS call with SRTP, caller pinned, is not secure: %+v", ev)
	}
	if err := a.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.waitEnded(t)

	if err := a.Dial(ctx, b.Addr().String()); !errors.Is(err, phone.ErrBadTarget) {
		t.Errorf("a plain target with encryption required: %v", err)
	}
	plain := startPhone(t, phone.Config{})
	err := plain.Dial(ctx, b.Addr().String())
	var ce *phone.CallError
	if !errors.As(err, &ce) || ce.Code != 488 {
		t.Errorf("a plain call to a unit that requires SRTP: %v, want 488", err)
	}
}
