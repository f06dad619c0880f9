package e2e

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// identity is a unit's TLS identity made before it starts: its state folder
// (state.dir, which holds tls.key and tls.crt) and its certificate's
// SHA-256 fingerprint as `skoip identity` prints it.
type identity struct {
	stateDir    string
	fingerprint string
}

// newIdentity makes a state folder and its identity with `skoip identity`.
func newIdentity(t *testing.T) identity {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	cfg := filepath.Join(dir, "identity.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("[state]\ndir = %q\n", state)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(skoipBin, "identity", "--config", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("skoip identity: %v\n%s", err, out)
	}
	fp := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	if len(fp) != 32*3-1 || strings.Count(fp, ":") != 31 {
		t.Fatalf("skoip identity printed %q, want a SHA-256 fingerprint first", out)
	}
	return identity{stateDir: state, fingerprint: fp}
}

var tlsPortSeq atomic.Int64

// tlsPort is a TCP port for a unit's sip.tls_listen on h: in a namespace
// (a port space of its own) one of a sequence, on loopback a free one.
func tlsPort(t *testing.T, h host) int {
	t.Helper()
	if h.ns != "" {
		return 5161 + int(tlsPortSeq.Add(1))
	}
	l, err := net.Listen("tcp", h.ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// secureUnit is a unit started with SIP over TLS.
type secureUnit struct {
	*node
	id     identity
	tlsAdr string // ip:port of its TLS listener
}

// sips is the sips: URI of u for user.
func (u *secureUnit) sips(user string) string { return "sips:" + user + "@" + u.tlsAdr }

// startSecure starts a unit with identity id, a TLS listener, the given
// media.encryption (if not empty) and pins trusted; over changes more.
func startSecure(t *testing.T, name string, h host, capture string, id identity, encryption string, pins []string, over settings) *secureUnit {
	t.Helper()
	adr := net.JoinHostPort(h.ip, strconv.Itoa(tlsPort(t, h)))
	s := settings{
		"state.dir":      q(id.stateDir),
		"sip.tls_listen": q(adr),
		"media.codecs":   g711, // the captures are checked as G.711
	}
	if encryption != "" {
		s["media.encryption"] = q(encryption)
	}
	if len(pins) > 0 {
		s["peer.tls_fingerprint"] = q(strings.Join(pins, ", "))
	}
	for k, v := range over {
		s[k] = v
	}
	n := startNode(t, name, h, capture, s)
	u := &secureUnit{node: n, id: id, tlsAdr: adr}
	if fp, _ := rawStatus(n)["tls_fingerprint"].(string); fp != id.fingerprint {
		t.Errorf("%s: status tls_fingerprint %q, want %q (skoip identity)", name, fp, id.fingerprint)
	}
	return u
}

// rawStatus is the whole status JSON of n (nil on error).
func rawStatus(n *node) map[string]any {
	conn, err := net.DialTimeout("unix", n.sock, 2*time.Second)
	if err != nil {
		return nil
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("status\n")); err != nil {
		return nil
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(line, &m) != nil {
		return nil
	}
	return m
}

// securityStatus is what a status says about the call's security (keys
// with "srtp", "secure", "tls" or "encrypt" in their names), for the log.
func securityStatus(n *node) string {
	var parts []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			lk := strings.ToLower(k)
			if strings.Contains(lk, "srtp") || strings.Contains(lk, "secure") || strings.Contains(lk, "encrypt") ||
				(strings.Contains(lk, "tls") && lk != "tls_fingerprint") || lk == "transport" {
				parts = append(parts, fmt.Sprintf("%s%s=%v", prefix, k, v))
			}
		}
	}
	walk("", rawStatus(n))
	return strings.Join(parts, " ")
}

// watchIdle polls n until the returned function is called, which fails
// the test if n left idle meanwhile (it must never ring).
func watchIdle(t *testing.T, n *node) func() {
	t.Helper()
	stop, done := make(chan struct{}), make(chan string)
	go func() {
		seen := ""
		for {
			if st, err := n.status(); err == nil && st.State != "idle" && seen == "" {
				seen = st.State
			}
			select {
			case <-stop:
				done <- seen
				return
			case <-time.After(pollInterval):
			}
		}
	}()
	return func() {
		t.Helper()
		close(stop)
		if s := <-done; s != "" {
			t.Errorf("%s went %s: it must never ring", n.name, s)
		}
	}
}

// startSecureCapture runs tshark on h's interfaces into a pcapng file and waits
// until it sees packets (a probe to far).
func startSecureCapture(t *testing.T, h host, far string) (*peer, string) {
	t.Helper()
	capture := filepath.Join(t.TempDir(), "secure.pcapng")
	ts := startPeer(t, "tshark", h.command("tshark", "-l", "-P", "-i", "any", "-w", capture), t.TempDir())
	ts.waitOutput("Capturing on", 20*time.Second)
	probe := h.command("bash", "-c", "echo probe >/dev/udp/"+far+"/9")
	if out, err := probe.CombinedOutput(); err != nil {
		t.Fatalf("probe: %v\n%s", err, out)
	}
	ts.waitOutput(far, 10*time.Second)
	return ts, capture
}

// keepCapture copies a capture to SKOIP_E2E_KEEP.
func keepCapture(t *testing.T, capture string) {
	if dir := os.Getenv("SKOIP_E2E_KEEP"); dir != "" {
		if b, err := os.ReadFile(capture); err == nil {
			os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".pcapng"), b, 0o644)
		}
	}
}

// wirePkt is one captured RTP packet, its header parsed from the UDP payload.
type wirePkt struct {
	src, dst string // ip:port
	pt       int
	marker   bool
	seq      uint16
	ts       uint32
	ssrc     uint32
	raw      []byte // the whole UDP payload
	payload  []byte // after the RTP header (SRTP: ciphertext and auth tag)
}

// capturedRTP reads the UDP datagrams of a capture that look like RTP of
// the payload types an intercom call uses (0, 8, 13, 101); RTCP (second
// byte 200-204) is not RTP.
func capturedRTP(t *testing.T, capture string) []wirePkt {
	t.Helper()
	rows := tsharkFields(t, capture, nil, "udp && !icmp", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "udp.payload")
	var pkts []wirePkt
	for _, r := range rows {
		if len(r) < 5 {
			continue
		}
		b, err := hex.DecodeString(strings.ReplaceAll(r[4], ":", ""))
		if err != nil || len(b) < 12 || b[0]>>6 != 2 {
			continue
		}
		pt := int(b[1] & 0x7f)
		if pt != 0 && pt != 8 && pt != 13 && pt != 101 {
			continue
		}
		h := 12 + 4*int(b[0]&0x0f)
		if b[0]&0x10 != 0 && len(b) >= h+4 {
			h += 4 + 4*(int(b[h+2])<<8|int(b[h+3]))
		}
		if h > len(b) {
			continue
		}
		pkts = append(pkts, wirePkt{
			src: net.JoinHostPort(r[0], r[1]), dst: net.JoinHostPort(r[2], r[3]),
			pt: pt, marker: b[1]&0x80 != 0,
			seq:  uint16(b[2])<<8 | uint16(b[3]),
			ts:   uint32(b[4])<<24 | uint32(b[5])<<16 | uint32(b[6])<<8 | uint32(b[7]),
			ssrc: uint32(b[8])<<24 | uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11]),
			raw:  b, payload: b[h:],
		})
	}
	return pkts
}

// g711Decode decodes a payload as PCMU (pt 0) or PCMA (pt 8).
func g711Decode(pt int, p []byte) []int16 {
	out := make([]int16, len(p))
	for i, c := range p {
		if pt == 8 {
			out[i] = alaw(c)
		} else {
			out[i] = ulaw(c)
		}
	}
	return out
}

func alaw(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0f) << 4
	seg := (a & 0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}

// readableEvents counts the RFC 4733 events of pt-101 packets that can be
// read in clear: a group of packets with one RTP timestamp (one event)
// whose packets all carry the same DTMF event (0-15) with the reserved bit
// clear and a duration that does not fall. Encrypted payloads make no such
// group (except by a chance that two or more packets make negligible).
func readableEvents(pkts []wirePkt) (groups, readable int, digits string) {
	type key struct {
		ssrc uint32
		ts   uint32
	}
	by := map[key][]wirePkt{}
	var order []key
	for _, p := range pkts {
		if p.pt != 101 {
			continue
		}
		k := key{p.ssrc, p.ts}
		if _, ok := by[k]; !ok {
			order = append(order, k)
		}
		by[k] = append(by[k], p)
	}
	const names = "0123456789*#ABCD"
	for _, k := range order {
		g := by[k]
		if len(g) < 2 {
			continue
		}
		groups++
		ok := true
		ev := -1
		lastDur := -1
		for _, p := range g {
			if len(p.payload) < 4 {
				ok = false
				break
			}
			e, dur := int(p.payload[0]), int(p.payload[2])<<8|int(p.payload[3])
			if e > 15 || p.payload[1]&0x40 != 0 || (ev >= 0 && e != ev) || dur < lastDur {
				ok = false
				break
			}
			ev, lastDur = e, dur
		}
		if ok {
			readable++
			digits += string(names[ev])
		}
	}
	return groups, readable, digits
}

// selfSignedPEM writes a PEM file with a new self-signed certificate and
// its key (as baresip's sip_certificate wants) and returns its path and
// the certificate's fingerprint in SKOIP's notation.
func selfSignedPEM(t *testing.T, cn string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cert.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	b = append(b, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd})...)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	hx := strings.ToUpper(hex.EncodeToString(sum[:]))
	var fp []string
	for i := 0; i < len(hx); i += 2 {
		fp = append(fp, hx[i:i+2])
	}
	return path, strings.Join(fp, ":")
}

// sendUDP sends each datagram, as it is, from one new socket of host h to
// dst: this test binary run again inside h's namespace (TestMain's
// sendUDPEnv branch), the datagrams hex-encoded one per line on its stdin.
func sendUDP(t *testing.T, h host, dst string, datagrams [][]byte) {
	t.Helper()
	var in strings.Builder
	for _, d := range datagrams {
		in.WriteString(hex.EncodeToString(d) + "\n")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := h.command(self)
	cmd.Env = append(os.Environ(), sendUDPEnv+"="+dst)
	cmd.Stdin = strings.NewReader(in.String())
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != fmt.Sprintf("sent %d", len(datagrams)) {
		t.Fatalf("sending %d datagrams to %s: %v\n%s", len(datagrams), dst, err, out)
	}
}

// sendUDPEnv names the destination when this binary runs as sendUDP's
// sender.
const sendUDPEnv = "SKOIP_E2E_SEND_UDP"

// sendUDPMain sends the hex datagrams of in (one per line) to dst from one
// socket and prints "sent N"; 1 on any error.
func sendUDPMain(dst string, in io.Reader) int {
	c, err := net.Dial("udp", dst)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer c.Close()
	n := 0
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		b, err := hex.DecodeString(sc.Text())
		if err != nil {
			fmt.Println(err)
			return 1
		}
		if _, err := c.Write(b); err != nil {
			fmt.Println(err)
			return 1
		}
		n++
	}
	fmt.Printf("sent %d\n", n)
	return 0
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mediaCount is a number of the status's media object (0 without one).
func mediaCount(n *node, key string) float64 {
	m, _ := rawStatus(n)["media"].(map[string]any)
	v, _ := m[key].(float64)
	return v
}

// rtpPortOf is the local RTP port of n's last call, from its log's
// "media started" line (0 if none).
func rtpPortOf(n *node) int {
	line := lastLine(n.logText(), `msg="media started"`)
	_, rest, ok := strings.Cut(line, " rtp_port=")
	if !ok {
		return 0
	}
	p, _ := strconv.Atoi(strings.Fields(rest)[0])
	return p
}

// unreadableTraces counts the SIP trace records of a log ("===== addr |
// SIP Sent =====" and the message) whose message does not start with a SIP
// start line, and returns the first's header.
func unreadableTraces(log string) (bad, all int, first string) {
	lines := strings.Split(log, "\n")
	for i, l := range lines {
		if !strings.Contains(l, " | SIP Sent =====") && !strings.Contains(l, " | SIP Received =====") {
			continue
		}
		all++
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		method, rest, _ := strings.Cut(next, " ")
		ok := strings.HasPrefix(next, "SIP/2.0 ") ||
			(method != "" && strings.ToUpper(method) == method && strings.HasSuffix(strings.TrimSpace(rest), " SIP/2.0"))
		if !ok {
			bad++
			if first == "" {
				first = l
			}
		}
	}
	return bad, all, first
}

// fakeTLSUAS is a SIP-over-TLS callee on loopback that answers every
// INVITE at once with 200 OK and an SDP without SRTP (RTP/AVP, no
// a=crypto), as a peer that ignores the offer's keys would; it answers
// BYE with 200 and records the requests' methods. Its RTP port counts the
// datagrams that reach it.
type fakeTLSUAS struct {
	addr        string // 127.0.0.1:port
	fingerprint string
	rtp         net.PacketConn
	methods     chan string
	rtpIn       atomic.Int64
}

func startFakeTLSUAS(t *testing.T) *fakeTLSUAS {
	t.Helper()
	pemPath, fp := selfSignedPEM(t, "fake-uas")
	b, err := os.ReadFile(pemPath)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(b, b)
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert})
	if err != nil {
		t.Fatal(err)
	}
	rtp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &fakeTLSUAS{addr: l.Addr().String(), fingerprint: fp, rtp: rtp, methods: make(chan string, 100)}
	t.Cleanup(func() { l.Close(); rtp.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := rtp.ReadFrom(buf); err != nil {
				return
			}
			u.rtpIn.Add(1)
		}
	}()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go u.serve(c)
		}
	}()
	return u
}

func (u *fakeTLSUAS) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		start, err := r.ReadString('\n')
		if err != nil {
			return
		}
		start = strings.TrimSpace(start)
		if start == "" {
			continue // keep-alive CRLF
		}
		var vias, keep []string
		length := 0
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			l = strings.TrimRight(l, "\r\n")
			if l == "" {
				break
			}
			name, val, _ := strings.Cut(l, ":")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "via", "v":
				vias = append(vias, "Via:"+val)
			case "from", "f", "call-id", "i", "cseq":
				keep = append(keep, l)
			case "to", "t":
				if !strings.Contains(val, "tag=") {
					l += ";tag=fakeuas"
				}
				keep = append(keep, l)
			case "content-length", "l":
				length, _ = strconv.Atoi(strings.TrimSpace(val))
			}
		}
		if _, err := io.ReadFull(r, make([]byte, length)); err != nil {
			return
		}
		if strings.HasPrefix(start, "SIP/2.0") {
			continue
		}
		method, _, _ := strings.Cut(start, " ")
		u.methods <- method
		if method == "ACK" {
			continue
		}
		body := ""
		hdr := append(vias, keep...)
		if method == "INVITE" {
			port := u.rtp.LocalAddr().(*net.UDPAddr).Port
			body = fmt.Sprintf("v=0\r\no=fake 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"+
				"m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n", port)
			hdr = append(hdr, "Contact: <sip:fake@"+u.addr+";transport=tls>", "Content-Type: application/sdp")
		}
		msg := "SIP/2.0 200 OK\r\n" + strings.Join(hdr, "\r\n") + fmt.Sprintf("\r\nContent-Length: %d\r\n\r\n", len(body)) + body
		if _, err := c.Write([]byte(msg)); err != nil {
			return
		}
	}
}
