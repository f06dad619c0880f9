package phone_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// kamailio is a registrar and proxy run by a test: 127.0.0.1 on a free
// UDP port, digest auth from static credentials, bindings in memory.
type kamailio struct {
	t    testing.TB
	cfg  string // rendered config file
	dir  string
	port int

	mu   sync.Mutex
	cmd  *exec.Cmd
	logs []string // log files, one per start
}

// kamUser is a static credential of the test registrar.
type kamUser struct{ User, Password string }

// kamailioModules is where Debian installs Kamailio's modules.
const kamailioModules = "/usr/lib/x86_64-linux-gnu/kamailio/modules"

// needKamailio skips the test without kamailio, except under CI.
func needKamailio(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("kamailio")
	if err != nil {
		bin = "/usr/sbin/kamailio"
		if _, serr := os.Stat(bin); serr != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("kamailio not installed (Debian package kamailio): %v", err)
			}
			t.Skip("kamailio not installed (apt-get install kamailio)")
		}
	}
	return bin
}

// startKamailio renders testdata/kamailio/registrar.cfg and runs it.
func startKamailio(t testing.TB, algorithm string, maxExpires int, users ...kamUser) *kamailio {
	t.Helper()
	bin := needKamailio(t)
	mods := kamailioModules
	if out, err := filepath.Glob("/usr/lib/*/kamailio/modules"); err == nil && len(out) > 0 {
		mods = out[0]
	}
	k := &kamailio{t: t, dir: t.TempDir(), port: freeUDPPort(t)}
	tmpl := template.Must(template.ParseFiles("../testdata/kamailio/registrar.cfg"))
	f, err := os.Create(filepath.Join(k.dir, "kamailio.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	err = tmpl.Execute(f, map[string]any{"Addr": k.addr(), "ModPath": mods,
		"MaxExpires": maxExpires, "Algorithm": algorithm, "Users": users})
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

func (k *kamailio) addr() string { return fmt.Sprintf("127.0.0.1:%d", k.port) }

// registrar is the value of Account.Registrar for this server.
func (k *kamailio) registrar() string { return "sip:" + k.addr() }

// start runs kamailio in its own process group and waits until it
// answers on its port.
func (k *kamailio) start(bin string) {
	k.t.Helper()
	k.mu.Lock()
	logPath := filepath.Join(k.dir, fmt.Sprintf("kamailio-%d.log", len(k.logs)))
	k.logs = append(k.logs, logPath)
	k.mu.Unlock()
	out, err := os.Create(logPath)
	if err != nil {
		k.t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "-f", k.cfg, "-DD", "-E", "-Y", k.dir, "-m", "32", "-M", "8")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		k.t.Fatalf("start kamailio: %v", err)
	}
	k.mu.Lock()
	k.cmd = cmd
	k.mu.Unlock()
	if err := probeSIP(k.addr(), 10*time.Second); err != nil {
		k.stop()
		log, _ := os.ReadFile(logPath)
		k.t.Fatalf("kamailio on %s: %v\n%s", k.addr(), err, log)
	}
}

// stop kills kamailio and its children and waits for them.
func (k *kamailio) stop() {
	k.mu.Lock()
	cmd := k.cmd
	k.cmd = nil
	k.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
}

// restart stops kamailio and starts it again on the same port.
func (k *kamailio) restart() {
	k.t.Helper()
	k.stop()
	k.start(needKamailio(k.t))
}

// requests returns the logged requests of a method from user, each as
// its log line (all runs).
func (k *kamailio) requests(method, user string) []string {
	re := regexp.MustCompile(`SKOIPTEST ` + method + ` from=` + regexp.QuoteMeta(user) + ` `)
	k.mu.Lock()
	logs := append([]string(nil), k.logs...)
	k.mu.Unlock()
	var out []string
	for _, p := range logs {
		b, _ := os.ReadFile(p)
		for _, l := range strings.Split(string(b), "\n") {
			if re.MatchString(l) {
				out = append(out, l)
			}
		}
	}
	return out
}

// dumpLogs prints kamailio's logs when the test failed.
func (k *kamailio) dumpLogs() {
	if !k.t.Failed() {
		return
	}
	for _, p := range k.logs {
		b, _ := os.ReadFile(p)
		k.t.Logf("%s:\n%s", p, b)
	}
}

// freeUDPPort returns a UDP port that was free a moment ago.
func freeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// probeSIP sends OPTIONS until something answers.
func probeSIP(addr string, within time.Duration) error {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
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
			"From: <sip:probe@127.0.0.1>;tag=p%d\r\nTo: <sip:%s>\r\nCall-ID: probe%d\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
			addr, local, i, i, addr, i)
		if _, err := c.WriteTo([]byte(msg), to); err != nil {
			return err
		}
		_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if n, _, err := c.ReadFrom(buf); err == nil && strings.HasPrefix(string(buf[:n]), "SIP/2.0") {
			return nil
		}
	}
	return fmt.Errorf("no answer within %v", within)
}
