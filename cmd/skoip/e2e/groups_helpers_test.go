package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// kamProxy is Kamailio run as a registrar and proxy on loopback from
// testdata/kamailio/registrar.cfg (as phone/kamailio_helpers_test.go runs
// it for the phone's tests): digest auth for the users given, bindings in
// memory, INVITE from other users relayed to the bindings, forked in
// parallel when a user has several.
type kamProxy struct {
	addr string
	log  string
}

// startKamProxy runs Kamailio on ip (a loopback address) at a free port;
// users are user/password pairs. It is stopped by t.Cleanup.
func startKamProxy(t *testing.T, ip string, users ...[2]string) *kamProxy {
	t.Helper()
	bin, err := exec.LookPath("kamailio")
	if err != nil {
		bin = "/usr/sbin/kamailio"
		if _, serr := os.Stat(bin); serr != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("kamailio not installed (Debian package kamailio): %v", err)
			}
			t.Skip("kamailio not installed: apt-get install -y --no-install-recommends kamailio")
		}
	}
	mods := "/usr/lib/x86_64-linux-gnu/kamailio/modules"
	if out, err := filepath.Glob("/usr/lib/*/kamailio/modules"); err == nil && len(out) > 0 {
		mods = out[0]
	}
	c, err := net.ListenPacket("udp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	dir := t.TempDir()
	type user struct{ User, Password string }
	var us []user
	for _, u := range users {
		us = append(us, user{u[0], u[1]})
	}
	tmpl := template.Must(template.ParseFiles(filepath.Join(repoRoot, "testdata", "kamailio", "registrar.cfg")))
	cfg := filepath.Join(dir, "kamailio.cfg")
	f, err := os.Create(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = tmpl.Execute(f, map[string]any{"Addr": addr, "ModPath": mods, "MaxExpires": 3600, "Algorithm": "MD5", "Users": us})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	k := &kamProxy{addr: addr, log: filepath.Join(dir, "kamailio.log")}
	out, err := os.Create(k.log)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "-f", cfg, "-DD", "-E", "-Y", dir, "-m", "32", "-M", "8")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start kamailio: %v", err)
	}
	t.Cleanup(func() {
		// Kamailio's children are in its process group: end that group
		// (the one this test started), then reap.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(k.log)
			t.Logf("---- kamailio log ----\n%s", tail(string(b), 8000))
		}
	})
	if err := sipAnswers(addr, 10*time.Second); err != nil {
		t.Fatalf("kamailio on %s: %v", addr, err)
	}
	return k
}

// requests counts the requests of method Kamailio logged (its SKOIPTEST
// line per request).
func (k *kamProxy) requests(method string) int {
	b, _ := os.ReadFile(k.log)
	return strings.Count(string(b), "SKOIPTEST "+method+" ")
}

// sipAnswers sends OPTIONS to addr until something answers.
func sipAnswers(addr string, within time.Duration) error {
	host, _, _ := net.SplitHostPort(addr)
	c, err := net.ListenPacket("udp", host+":0")
	if err != nil {
		return err
	}
	defer c.Close()
	to, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return err
	}
	local := c.LocalAddr().String()
	deadline := time.Now().Add(within)
	buf := make([]byte, 2048)
	for i := 0; time.Now().Before(deadline); i++ {
		msg := fmt.Sprintf("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bKprobe%d\r\nMax-Forwards: 70\r\n"+
			"From: <sip:probe@%s>;tag=p%d\r\nTo: <sip:%s>\r\nCall-ID: probe%d\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
			addr, local, i, host, i, addr, i)
		if _, err := c.WriteTo([]byte(msg), to); err != nil {
			return err
		}
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if n, _, err := c.ReadFrom(buf); err == nil && strings.HasPrefix(string(buf[:n]), "SIP/2.0") {
			return nil
		}
	}
	return fmt.Errorf("no answer within %v", within)
}

// registeredBaresip runs baresip on h as user bob registered at k with
// password pw, answering by itself, speech from wav; it returns the peer
// and its config dir once the registration is confirmed.
func registeredBaresip(t *testing.T, name string, h host, k *kamProxy, pw, wav string) (*peer, string) {
	t.Helper()
	port := peerPort(t, h)
	dir := baresipConf(t, h, port, wav)
	acc := fmt.Sprintf("<sip:bob@%s;transport=udp>;auth_pass=%s;regint=600;answermode=auto;audio_codecs=PCMU,PCMA\n", k.addr, pw)
	if err := os.WriteFile(filepath.Join(dir, "accounts"), []byte(acc), 0o644); err != nil {
		t.Fatal(err)
	}
	bs := startPeer(t, name, h.command("baresip", "-f", dir, "-t", "60"), dir, "HOME="+filepath.Join(dir, "home"))
	bs.waitOutput("baresip is ready", 10*time.Second)
	bs.waitOutput("200 OK", 10*time.Second)
	return bs, dir
}
