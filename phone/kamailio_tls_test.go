package phone_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"text/template"
	"time"

	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// kamailioTLS is the test registrar with a TLS listener, and the
// fingerprint of the certificate it shows (as server and as client).
type kamailioTLS struct {
	*kamailio
	tlsPort int
	fp      string
}

// sipsRegistrar is the value of Account.Registrar over TLS.
func (k *kamailioTLS) sipsRegistrar() string { return fmt.Sprintf("sips:127.0.0.1:%d", k.tlsPort) }

// needKamailioTLS skips the test without kamailio or its tls module
// (Debian package kamailio-tls-modules), except under CI.
func needKamailioTLS(t testing.TB) (bin, mods string) {
	t.Helper()
	bin = needKamailio(t)
	mods = kamailioModules
	if out, err := filepath.Glob("/usr/lib/*/kamailio/modules"); err == nil && len(out) > 0 {
		mods = out[0]
	}
	if _, err := os.Stat(filepath.Join(mods, "tls.so")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("kamailio's tls module missing (Debian package kamailio-tls-modules): %v", err)
		}
		t.Skipf("kamailio's tls module %s missing (apt-get install kamailio-tls-modules)", filepath.Join(mods, "tls.so"))
	}
	return bin, mods
}

// freeTCPPort returns a TCP port that was free a moment ago.
func freeTCPPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// writePEM writes a certificate and its key as PEM files in dir.
func writePEM(t testing.TB, dir string, c tls.Certificate) (certPath, keyPath string) {
	t.Helper()
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "kamailio-cert.pem"), filepath.Join(dir, "kamailio-key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

// startKamailioTLS renders testdata/kamailio/registrar-tls.cfg, with a
// certificate made here and a tls.cfg that shows it both as server and as
// client, and runs it.
func startKamailioTLS(t testing.TB, algorithm string, maxExpires int, users ...kamUser) *kamailioTLS {
	t.Helper()
	bin, mods := needKamailioTLS(t)
	k := &kamailioTLS{kamailio: &kamailio{t: t, dir: t.TempDir(), port: freeUDPPort(t)}, tlsPort: freeTCPPort(t)}
	cert := selfSigned(t, "kamailio")
	k.fp = phone.Fingerprint(cert.Certificate[0])
	certPath, keyPath := writePEM(t, k.dir, cert)
	tlsCfg := filepath.Join(k.dir, "tls.cfg")
	profile := func(side string) string {
		return fmt.Sprintf("[%s:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"+
			"certificate = %s\nprivate_key = %s\n\n", side, certPath, keyPath)
	}
	if err := os.WriteFile(tlsCfg, []byte(profile("server")+profile("client")), 0o600); err != nil {
		t.Fatal(err)
	}
	tmpl := template.Must(template.ParseFiles("../testdata/kamailio/registrar-tls.cfg"))
	f, err := os.Create(filepath.Join(k.dir, "kamailio.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	err = tmpl.Execute(f, map[string]any{"Addr": k.addr(), "TLSAddr": fmt.Sprintf("127.0.0.1:%d", k.tlsPort),
		"TLSConfig": tlsCfg, "ModPath": mods, "MaxExpires": maxExpires, "Algorithm": algorithm, "Users": users})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	k.cfg = f.Name()
	k.start(bin)
	t.Cleanup(k.stop)
	return k
}

// tlsAccountPhone is a phone registering with k over TLS, pinning verify.
func tlsAccountPhone(k *kamailioTLS, user, pw string, cert tls.Certificate, verify func([]*x509.Certificate, string) error) phone.Config {
	return phone.Config{DeviceName: user, Listen: "127.0.0.1:0",
		Account: phone.Account{Registrar: k.sipsRegistrar(), Username: user, Password: pw},
		TLS:     &phone.TLS{Listen: "127.0.0.1:0", Certificate: cert, VerifyPeer: verify}}
}

// A phone registers with Kamailio over TLS, pinning Kamailio's certificate;
// one pinning another fingerprint never registers and says why.
func TestKamailioTLSRegister(t *testing.T) {
	t.Parallel()
	k := startKamailioTLS(t, "SHA-256", 600, kamUser{"1001", "secret-a"}, kamUser{"1003", "secret-c"})
	defer k.dumpLogs()

	start := time.Now()
	a := startPhone(t, tlsAccountPhone(k, "1001", "secret-a", selfSigned(t, "door"), pinned(k.fp)))
	a.waitRegistered(t, true)
	t.Logf("registered over TLS in %v", time.Since(start).Round(time.Millisecond))
	if r := a.Registered(); r == nil || !*r {
		t.Fatalf("Registered() = %v", r)
	}
	regs := k.requests("REGISTER", "1001")
	if len(regs) < 2 {
		t.Fatalf("REGISTERs at Kamailio: %q, want challenged then authenticated", regs)
	}
	for _, r := range regs {
		if !strings.Contains(r, "proto=tls") {
			t.Errorf("a REGISTER not over TLS: %s", r)
		}
	}

	// Another fingerprint pinned: the handshake fails, nothing registers.
	c := startPhone(t, tlsAccountPhone(k, "1003", "secret-c", selfSigned(t, "other"),
		pinned("00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF")))
	ev := c.waitRegistered(t, false)
	t.Logf("wrong pin: %s (next try in %v)", ev.Reason, time.Until(c.Registration().NextTry).Round(time.Second))
	time.Sleep(time.Second)
	if r := c.Registered(); r != nil && *r {
		t.Error("registered with Kamailio's certificate not pinned")
	}
	if !strings.Contains(c.logs.String(), "not trusted") {
		t.Errorf("wrong pin not logged as \"not trusted\":\n%s", c.logs.String())
	}
	if regs := k.requests("REGISTER", "1003"); len(regs) != 0 {
		t.Errorf("REGISTERs reached Kamailio through an untrusted connection: %q", regs)
	}
}

// Two phones registered over TLS call through Kamailio ("1001" dials
// "1002"); Kamailio relays the INVITE to the callee's TLS listener as a TLS
// client. With encryption required on both, the audio is SRTP both ways and
// the callee's DTMF is secure (the call came over TLS from the registrar).
func TestKamailioTLSCallSRTP(t *testing.T) {
	t.Parallel()
	k := startKamailioTLS(t, "SHA-256", 600, kamUser{"1001", "secret-a"}, kamUser{"1002", "secret-b"})
	defer k.dumpLogs()
	acfg := tlsAccountPhone(k, "1001", "secret-a", selfSigned(t, "door"), pinned(k.fp))
	acfg.Encryption, acfg.DTMF = "required", true
	// The callee's VerifyPeer also sees Kamailio's client certificate when
	// Kamailio connects to its TLS listener to relay the INVITE (host "").
	var clientCerts atomic.Int32
	verifyB := func(chain []*x509.Certificate, host string) error {
		if host == "" && phone.Fingerprint(chain[0].Raw) == k.fp {
			clientCerts.Add(1)
		}
		return pinned(k.fp)(chain, host)
	}
	bcfg := tlsAccountPhone(k, "1002", "secret-b", selfSigned(t, "inside"), verifyB)
	bcfg.Encryption, bcfg.DTMF = "required", true
	a, b := startPhone(t, acfg), startPhone(t, bcfg)
	a.waitRegistered(t, true)
	b.waitRegistered(t, true)

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	dialed := make(chan error, 1)
	go func() { dialed <- a.Dial(ctx, "1002") }()
	in := b.waitEvent(t, "incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	if !strings.Contains(in.Peer, "1001@127.0.0.1") {
		t.Errorf("caller seen as %q, want its AOR", in.Peer)
	}
	if err := b.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-dialed; err != nil {
		t.Fatalf("Dial 1002 through Kamailio over TLS: %v\n%s", err, a.logs.String())
	}
	b.waitState(t, phone.StateConnected)
	if invites := k.requests("INVITE", "1001"); len(invites) != 2 || !strings.Contains(invites[1], "proto=tls") {
		t.Errorf("INVITEs at Kamailio: %q, want 2 over TLS (challenged, then authenticated)", invites)
	}

	if clientCerts.Load() == 0 {
		t.Error("Kamailio relayed the INVITE without showing its client certificate to the callee's TLS listener")
	}

	pa, pb := a.media.Streams()[0].Params()[0], b.media.Streams()[0].Params()[0]
	if pa.SRTP == nil || pb.SRTP == nil || string(pa.SRTP.LocalKey) != string(pb.SRTP.RemoteKey) ||
		string(pb.SRTP.LocalKey) != string(pa.SRTP.RemoteKey) || pa.SRTP.Suite != pb.SRTP.Suite {
		t.Fatalf("SRTP params: caller %+v, callee %+v", pa.SRTP, pb.SRTP)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("callee's log:\n%s", b.logs.String())
		}
	})
	// The callee is connected when it sends 200 OK; its dialog is confirmed
	// (and a digit counts) once the ACK came back through Kamailio: the
	// digit is typed again until it is taken.
	ev := b.typeDigit(t, '7')
	if !ev.Secure {
		t.Errorf("a digit in a TLS call from the registrar with SRTP is not secure: %+v", ev)
	}

	if err := a.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.waitEnded(t) // the BYE followed the Record-Route through Kamailio, over TLS
	if byes := k.requests("BYE", "1001"); len(byes) != 1 || !strings.Contains(byes[0], "proto=tls") {
		t.Errorf("BYEs through Kamailio: %q, want 1 over TLS", byes)
	}
}

// typeDigit has the fake media engine report a digit every 50 ms until the
// phone publishes it (it ignores digits before the ACK confirms the dialog).
func (tp *testPhone) typeDigit(t testing.TB, d rune) phone.Event {
	t.Helper()
	timeout := time.After(wait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	tp.media.Streams()[0].Emit(media.Event{Kind: media.EventDTMF, Digit: d})
	for {
		select {
		case ev := <-tp.events:
			if ev.Kind == phone.EventDTMF {
				return ev
			}
		case <-tick.C:
			tp.media.Streams()[0].Emit(media.Event{Kind: media.EventDTMF, Digit: d})
		case <-timeout:
			t.Fatalf("digit %c not published", d)
		}
	}
}
