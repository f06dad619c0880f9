package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

var (
	benchBinOnce sync.Once
	benchBin     string
	benchBinErr  error
)

// binary builds skoip once for the benchmarks.
func binary(b *testing.B) string {
	b.Helper()
	benchBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "skoip-bench")
		if err != nil {
			benchBinErr = err
			return
		}
		benchBin = filepath.Join(dir, "skoip")
		if out, err := exec.Command("go", "build", "-o", benchBin, ".").CombinedOutput(); err != nil {
			benchBinErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if benchBinErr != nil {
		b.Fatal(benchBinErr)
	}
	return benchBin
}

// benchPeer is the benchmark's own SIP socket on loopback and its port.
func benchPeer(b *testing.B) (*net.UDPConn, int) {
	b.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c, c.LocalAddr().(*net.UDPAddr).Port
}

// freeUDPPort returns a UDP port on 127.0.0.1 that was free a moment ago.
func freeUDPPort(b *testing.B) int {
	b.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func sipRequest(method string, port, myPort int, callID, body string) string {
	ct := ""
	if body != "" {
		ct = "Content-Type: application/sdp\r\n"
	}
	return fmt.Sprintf("%s sip:door@127.0.0.1:%d SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s%s\r\n"+
		"Max-Forwards: 70\r\nFrom: <sip:bench@127.0.0.1:%d>;tag=b%s\r\nTo: <sip:door@127.0.0.1:%d>\r\n"+
		"Call-ID: %s\r\nCSeq: 1 %s\r\nContact: <sip:bench@127.0.0.1:%d>\r\n%sContent-Length: %d\r\n\r\n%s",
		method, port, myPort, callID, method, myPort, callID, port, callID, method, myPort, ct, len(body), body)
}

// waitFinal sends req every interval until a final response arrives and
// returns it.
func waitFinal(b *testing.B, c *net.UDPConn, to *net.UDPAddr, req string, interval, limit time.Duration) string {
	b.Helper()
	buf := make([]byte, 4096)
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if _, err := c.WriteToUDP([]byte(req), to); err != nil {
			b.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(interval))
		for {
			n, _, err := c.ReadFromUDP(buf)
			if err != nil {
				break
			}
			if msg := string(buf[:n]); !strings.HasPrefix(msg, "SIP/2.0 1") {
				return msg
			}
		}
	}
	b.Fatalf("no final response to %.20q", req)
	return ""
}

// BenchmarkProcessStartToSIP measures from exec of `skoip run` to its first
// answer to OPTIONS on loopback (baresip 1.0.0 here: 12.9 ms to listening).
func BenchmarkProcessStartToSIP(b *testing.B) {
	bin := binary(b)
	c, my := benchPeer(b)
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		port := freeUDPPort(b)
		cfg := filepath.Join(dir, "skoip.toml")
		body := fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:%d\"\n[audio]\nbackend = \"null\"\n[control]\nsocket = %q\n", port, filepath.Join(dir, "ctl.sock"))
		if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(bin, "run", "--config", cfg)
		to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
		b.StartTimer()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		resp := waitFinal(b, c, to, sipRequest("OPTIONS", port, my, fmt.Sprintf("o%d", i), ""), 500*time.Microsecond, 10*time.Second)
		b.StopTimer()
		if !strings.HasPrefix(resp, "SIP/2.0 200 OK\r\n") {
			b.Fatalf("OPTIONS: %.40q", resp)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
}

// BenchmarkInviteTo200 measures INVITE -> 200 OK with auto-answer against a
// running `skoip run` on loopback, media included (baresip 1.0.0 here: 4.3 ms).
func BenchmarkInviteTo200(b *testing.B) {
	bin := binary(b)
	c, my := benchPeer(b)
	dir := b.TempDir()
	port := freeUDPPort(b)
	cfg := filepath.Join(dir, "skoip.toml")
	body := fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:%d\"\n[audio]\nbackend = \"null\"\nsample_rate = 8000\n[calls]\nauto_answer = true\n[control]\nsocket = %q\n", port, filepath.Join(dir, "ctl.sock"))
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", cfg)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
	waitFinal(b, c, to, sipRequest("OPTIONS", port, my, "warm", ""), 2*time.Millisecond, 10*time.Second)
	sdp := "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("i%d", i)
		resp := waitFinal(b, c, to, sipRequest("INVITE", port, my, id, sdp), time.Second, 10*time.Second)
		b.StopTimer()
		if !strings.HasPrefix(resp, "SIP/2.0 200 OK\r\n") {
			b.Fatalf("INVITE: %.40q", resp)
		}
		hangup(b, c, to, resp, port, my, id)
		waitIdle(b, filepath.Join(dir, "ctl.sock"))
		b.StartTimer()
	}
}

// hangup ACKs the 200 OK and sends BYE in its dialog, waiting for the BYE's 200.
func hangup(b *testing.B, c *net.UDPConn, to *net.UDPAddr, ok200 string, port, my int, id string) {
	b.Helper()
	toHdr := ""
	for _, l := range strings.Split(ok200, "\r\n") {
		if k, v, found := strings.Cut(l, ":"); found && (strings.EqualFold(k, "To") || k == "t") {
			toHdr = strings.TrimSpace(v)
		}
	}
	if !strings.Contains(toHdr, "tag=") {
		b.Fatalf("200 OK without a To tag: %q", ok200)
	}
	inDialog := func(method string, cseq int) string {
		r := sipRequest(method, port, my, id, "")
		r = strings.Replace(r, "To: <sip:door@127.0.0.1:"+fmt.Sprint(port)+">", "To: "+toHdr, 1)
		r = strings.Replace(r, "branch=z9hG4bK"+id+method, fmt.Sprintf("branch=z9hG4bK%s%s%d", id, method, cseq), 1)
		return strings.Replace(r, "CSeq: 1 "+method, fmt.Sprintf("CSeq: %d %s", cseq, method), 1)
	}
	ack := strings.Replace(inDialog("ACK", 1), "branch=z9hG4bK"+id+"ACK1", "branch=z9hG4bK"+id+"ACK", 1)
	if _, err := c.WriteToUDP([]byte(ack), to); err != nil {
		b.Fatal(err)
	}
	if resp := waitFinal(b, c, to, inDialog("BYE", 2), 100*time.Millisecond, 10*time.Second); !strings.HasPrefix(resp, "SIP/2.0 200 OK\r\n") {
		b.Fatalf("BYE: %.40q", resp)
	}
}

// waitIdle polls `ctl status` until the call is over.
func waitIdle(b *testing.B, sock string) {
	b.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		reply, err := control.Request(context.Background(), sock, "status")
		if err == nil && strings.Contains(reply, `"state":"idle"`) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatal("the call did not end")
}
