package phone_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone"
)

// Interop with the Debian peers (make test installs sip-tester and
// baresip-core). Locally they are skipped, with a message, when missing.

func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (apt-get install -y sip-tester baresip-core)", name)
		}
		t.Skipf("%s not installed: apt-get install -y sip-tester baresip-core", name)
	}
	return path
}

// freePorts finds n consecutive ports in 5060-5099 free on UDP and TCP.
func freePorts(t *testing.T, n int) int {
	t.Helper()
	for base := 5060; base+n <= 5100; base++ {
		var closers []func() error
		ok := true
		for p := base; p < base+n && ok; p++ {
			u, err1 := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(p))
			l, err2 := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if u != nil {
				closers = append(closers, u.Close)
			}
			if l != nil {
				closers = append(closers, l.Close)
			}
			ok = err1 == nil && err2 == nil
		}
		for _, c := range closers {
			c()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free ports in 5060-5099")
	return 0
}

// proc is a peer program, stopped (by its own pid) when the test ends.
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

func run(t *testing.T, env []string, name string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out := newSyncBuffer()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p := &proc{cmd: cmd, out: out, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

// exit waits for the program to end and returns its exit code.
func (p *proc) exit(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("%s did not exit:\n%s", p.cmd.Path, p.out)
		return -1
	}
}

// syncBuffer is program output that can be waited on.
type syncBuffer struct {
	mu     sync.Mutex
	b      strings.Builder
	change chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{change: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.change)
	s.change = make(chan struct{})
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output contains want.
func (s *syncBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(wait)
	for {
		s.mu.Lock()
		ok, change := strings.Contains(s.b.String(), want), s.change
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-change:
		case <-timeout:
			t.Fatalf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestInteropSippUACToPhone(t *testing.T) {
	sipp := needTool(t, "sipp")
	tp := startPhone(t, phone.Config{AutoAnswer: true, Logger: quietLogger()})
	port := freePorts(t, 1)
	pr := run(t, nil, sipp, "-sn", "uac", tp.Addr().String(), "-i", "127.0.0.1", "-p", strconv.Itoa(port),
		"-m", "20", "-r", "10", "-l", "1", "-nostdin", "-timeout", "40s", "-timeout_error")
	if code := pr.exit(t, 50*time.Second); code != 0 {
		t.Fatalf("sipp uac exit %d:\n%s", code, pr.out)
	}
}

func TestInteropPhoneToSippUAS(t *testing.T) {
	sipp := needTool(t, "sipp")
	tp := startPhone(t, phone.Config{Logger: quietLogger()})
	port := freePorts(t, 1)
	pr := run(t, nil, sipp, "-sn", "uas", "-i", "127.0.0.1", "-p", strconv.Itoa(port), "-m", "1", "-nostdin")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var err error
	for range 50 { // sipp needs a moment to listen
		if err = tp.Dial(ctx, "sip:service@127.0.0.1:"+strconv.Itoa(port)); err == nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatalf("Dial: %v\n%s", err, pr.out)
	}
	if err := tp.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	if code := pr.exit(t, wait); code != 0 {
		t.Fatalf("sipp uas exit %d:\n%s", code, pr.out)
	}
}

// baresip is a headless baresip with ctrl_tcp.
type baresip struct {
	sipPort int
	conn    net.Conn
	events  chan map[string]any
}

func startBaresip(t *testing.T, answer string) *baresip {
	t.Helper()
	bin := needTool(t, "baresip")
	dir := t.TempDir()
	base := freePorts(t, 3) // SIP, SIP+1 (TLS), ctrl
	wav := filepath.Join(dir, "silence.wav")
	writeSilence(t, wav, 60)
	cfg := fmt.Sprintf("poll_method epoll\nsip_listen 127.0.0.1:%d\nnet_interface 127.0.0.1\nrtp_ports 10300-10398\n"+
		"audio_source aufile,%s\naudio_player aubridge,nil\naudio_alert aubridge,nil\n"+
		"module_path /usr/lib/baresip/modules\nmodule g711.so\nmodule aufile.so\nmodule aubridge.so\n"+
		"module account.so\nmodule menu.so\nmodule ctrl_tcp.so\nctrl_tcp_listen 127.0.0.1:%d\n", base, wav, base+2)
	acc := fmt.Sprintf("<sip:a@127.0.0.1:%d;transport=udp>;regint=0;answermode=%s;audio_codecs=PCMU,PCMA\n", base, answer)
	os.WriteFile(filepath.Join(dir, "config"), []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(dir, "accounts"), []byte(acc), 0o644)
	pr := run(t, []string{"HOME=" + dir}, bin, "-f", dir, "-t", "120")
	pr.out.waitFor(t, "baresip is ready")
	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(base+2))
	if err != nil {
		t.Fatalf("baresip ctrl_tcp: %v\n%s", err, pr.out)
	}
	t.Cleanup(func() { conn.Close() })
	b := &baresip{sipPort: base, conn: conn, events: make(chan map[string]any, 64)}
	go b.read()
	return b
}

func (b *baresip) read() {
	r := bufio.NewReader(b.conn)
	for {
		ls, err := r.ReadString(':')
		if err != nil {
			close(b.events)
			return
		}
		n, _ := strconv.Atoi(strings.TrimSuffix(ls, ":"))
		buf := make([]byte, n+1)
		if _, err := io.ReadFull(r, buf); err != nil {
			close(b.events)
			return
		}
		var m map[string]any
		if json.Unmarshal(buf[:n], &m) == nil {
			b.events <- m
		}
	}
}

func (b *baresip) command(t *testing.T, cmd, params string) {
	t.Helper()
	j, _ := json.Marshal(map[string]string{"command": cmd, "params": params, "token": "t"})
	if _, err := fmt.Fprintf(b.conn, "%d:%s,", len(j), j); err != nil {
		t.Fatal(err)
	}
}

// wait returns the first event of the given type.
func (b *baresip) wait(t *testing.T, typ string) map[string]any {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case m, ok := <-b.events:
			if !ok {
				t.Fatalf("baresip gone before %s", typ)
			}
			if m["type"] == typ {
				return m
			}
		case <-timeout:
			t.Fatalf("no baresip %s", typ)
		}
	}
}

func TestInteropBaresipToPhone(t *testing.T) {
	b := startBaresip(t, "manual")
	tp := startPhone(t, phone.Config{AutoAnswer: true, Logger: quietLogger()})
	target := "sip:door@" + tp.Addr().String()

	b.command(t, "dial", target) // torn down by the phone
	b.wait(t, "CALL_ESTABLISHED")
	tp.waitState(t, phone.StateConnected)
	if err := tp.Hangup(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.wait(t, "CALL_CLOSED")

	b.command(t, "dial", target) // torn down by baresip
	b.wait(t, "CALL_ESTABLISHED")
	tp.waitState(t, phone.StateConnected)

	second := newPeer(t, tp.Addr()) // a second caller meanwhile: 486
	d := newDialog("second")
	second.invite(d, offerSDP)
	second.ack(d, second.response(486, sip.INVITE))

	b.command(t, "hangup", "")
	b.wait(t, "CALL_CLOSED")
	if ev := tp.waitEnded(t); ev.Reason != "remote hangup" {
		t.Errorf("ended %+v", ev)
	}
}

func TestInteropBaresipCancelAndForbidden(t *testing.T) {
	b := startBaresip(t, "manual")
	ringing := startPhone(t, phone.Config{Logger: quietLogger()})
	b.command(t, "dial", "sip:door@"+ringing.Addr().String())
	ringing.waitState(t, phone.StateIncoming)
	b.command(t, "hangup", "")
	if ev := ringing.waitEnded(t); ev.Code != 487 {
		t.Errorf("ended %+v, want 487 after CANCEL", ev)
	}
	b.wait(t, "CALL_CLOSED")

	closed := startPhone(t, phone.Config{AutoAnswer: true, Allow: []string{"192.0.2.0/24"}, Logger: quietLogger()})
	b.command(t, "dial", "sip:door@"+closed.Addr().String())
	ev := b.wait(t, "CALL_CLOSED")
	if !strings.Contains(fmt.Sprint(ev["param"]), "403") {
		t.Errorf("baresip closed with %v, want 403", ev["param"])
	}
	if st := closed.Status(); st.State != phone.StateIdle {
		t.Errorf("forbidden caller made the phone %s", st.State)
	}
}

func TestInteropPhoneToBaresip(t *testing.T) {
	b := startBaresip(t, "auto")
	tp := startPhone(t, phone.Config{Logger: quietLogger()})
	target := "sip:a@127.0.0.1:" + strconv.Itoa(b.sipPort)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()

	if err := tp.Dial(ctx, target); err != nil { // torn down by the phone
		t.Fatalf("Dial: %v", err)
	}
	b.wait(t, "CALL_ESTABLISHED")
	if err := tp.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.wait(t, "CALL_CLOSED")
	tp.waitEnded(t)

	if err := tp.Dial(ctx, target); err != nil { // torn down by baresip
		t.Fatalf("Dial: %v", err)
	}
	b.wait(t, "CALL_ESTABLISHED")
	b.command(t, "hangup", "")
	if ev := tp.waitEnded(t); ev.Reason != "remote hangup" {
		t.Errorf("ended %+v", ev)
	}
}

// writeSilence writes secs seconds of 8 kHz mono 16-bit silence.
func writeSilence(t *testing.T, path string, secs int) {
	n := 8000 * 2 * secs
	h := make([]byte, 44)
	copy(h, "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+n))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], 1)
	binary.LittleEndian.PutUint32(h[24:], 8000)
	binary.LittleEndian.PutUint32(h[28:], 16000)
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(n))
	if err := os.WriteFile(path, append(h, make([]byte, n)...), 0o644); err != nil {
		t.Fatal(err)
	}
}
