package phone

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Phone is a SIP user agent with at most one call at a time.
type Phone struct {
	cfg   Config
	media Media
	log   *slog.Logger
	allow allowList

	mu      sync.Mutex
	running bool
	closing bool
	state   State
	call    *call
	subs    map[int]chan Event
	nextSub int

	acct      *account           // nil without an account
	guard     *guard             // nil without DirectAuth
	reg       Registration       // (mu)
	proxyIP   netip.Addr         // (mu) the registrar's address as last resolved
	regDlg    regDialog          // registration goroutine only
	regCancel context.CancelFunc // ends the registration loop
	regDone   sync.WaitGroup     // the registration loop
	lastWarn  time.Time          // (mu) last rate-limited warning
	trusted   trustedConns       // TLS clients that proved a trusted certificate (own lock)

	ready chan struct{}
	quit  chan struct{}  // closed when Run is stopping: releases waiting handlers
	wg    sync.WaitGroup // handlers and goroutines of calls
	serve sync.WaitGroup // sipgo's serve loops

	// Set by Run before ready is closed, read-only afterwards.
	ua     *sipgo.UserAgent
	bindIP netip.Addr     // the IP we listen on (may be unspecified)
	addr   netip.AddrPort // bound address (UDP and TCP share the port)
	udp    bool           // UDP listener present
	tcp    bool           // TCP listener present
	tlsOn  bool           // TLS listener present
	tlsAt  netip.AddrPort // the TLS listener's address
	laddr  sip.Addr       // UDP listening socket, so requests leave from it
	gate   *gate          // the UDP front door (gate.go); nil without UDP
	tcpIn  *tcpBudget     // what TCP peers may send (tcp_budget.go)
	public netip.Addr     // Config.PublicAddr, when set
}

// New checks cfg and builds a Phone. It listens only when Run is called.
// Host names in cfg.Allow are resolved now, within ctx and at most 5 s:
// cancelling ctx abandons the lookups and New returns the error.
func New(ctx context.Context, cfg Config, m Media) (*Phone, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("%w: no Media", ErrBadConfig)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	allow, err := parseAllow(ctx, cfg.Allow)
	if err != nil {
		return nil, err
	}
	acct, err := parseAccount(cfg.Account)
	if err != nil {
		return nil, err
	}
	p := &Phone{
		acct:  acct,
		cfg:   cfg,
		media: m,
		log:   cfg.Logger.With("component", "sip"),
		allow: allow,
		state: StateIdle,
		subs:  make(map[int]chan Event),
		ready: make(chan struct{}),
		quit:  make(chan struct{}),
		tcpIn: newTCPBudget(),
	}
	if cfg.PublicAddr != "" {
		p.public = netip.MustParseAddr(cfg.PublicAddr).Unmap()
	}
	if acct != nil {
		p.reg = Registration{Reason: "registering"}
		p.regDlg = regDialog{callID: sip.GenerateTagN(24), fromTag: sip.GenerateTagN(16)}
		if ip, ok := hostIP(acct.uri); ok {
			p.proxyIP = ip
		}
	}
	if cfg.DirectAuth.valid() {
		p.guard = newGuard(cfg.DirectAuth, cfg.DeviceName)
	}
	return p, nil
}

// Ready is closed once Run listens (Addr is then valid).
func (p *Phone) Ready() <-chan struct{} { return p.ready }

// Addr is the bound SIP address once Ready is closed (UDP and TCP use the
// same port); the zero value before.
func (p *Phone) Addr() netip.AddrPort {
	select {
	case <-p.ready:
		return p.addr
	default:
		return netip.AddrPort{}
	}
}

// Run listens and serves until ctx ends; then it hangs up any call (BYE,
// CANCEL or a final response), stops every goroutine it started and returns
// nil. It can be called once.
func (p *Phone) Run(ctx context.Context) error {
	p.mu.Lock()
	if p.running || p.closing {
		p.mu.Unlock()
		return fmt.Errorf("phone.Run: %w: already run", ErrNotRunning)
	}
	p.running = true
	p.mu.Unlock()

	ln, err := p.listen()
	if err != nil {
		p.markClosed()
		return fmt.Errorf("phone.Run: %w", err)
	}
	if err := p.startServing(ln); err != nil {
		ln.close()
		p.markClosed()
		return fmt.Errorf("phone.Run: %w", err)
	}
	if p.tlsOn {
		p.log.Info("listening", "addr", p.addr.String(), "transport", p.cfg.Transport, "tls", p.tlsAt.String())
	} else {
		p.log.Info("listening", "addr", p.addr.String(), "transport", p.cfg.Transport)
	}
	close(p.ready)
	p.startRegistration()
	<-ctx.Done()
	p.shutdown(ln)
	return nil
}

func (p *Phone) markClosed() {
	p.mu.Lock()
	p.closing = true
	p.mu.Unlock()
	close(p.quit)
}

// shutdown hangs up, releases waiting handlers, closes sockets and waits.
func (p *Phone) shutdown(ln *listeners) {
	p.mu.Lock()
	c := p.call
	p.mu.Unlock()
	if c != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		p.terminate(ctx, c, "shutdown", decideHangup)
		cancel()
	}
	p.stopRegistration()
	p.markClosed()
	// Our goroutines end first: a request sent after the listener closed
	// would make sipgo bind the port again on a socket nobody closes.
	p.wg.Wait()
	ln.close()
	p.ua.Close()
	p.serve.Wait()
	p.log.Info("stopped")
}

// enter registers a goroutine running phone code; false when stopping.
func (p *Phone) enter() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return false
	}
	p.wg.Add(1)
	return true
}

// spawn runs f on a goroutine owned by the phone (Run waits for it).
func (p *Phone) spawn(f func()) {
	if !p.enter() {
		return
	}
	go func() {
		defer p.wg.Done()
		f()
	}()
}

// isRunning reports whether the phone serves requests.
func (p *Phone) isRunning() bool {
	select {
	case <-p.ready:
	default:
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.closing
}

// stopping reports whether Run is shutting down.
func (p *Phone) stopping() bool {
	select {
	case <-p.quit:
		return true
	default:
		return false
	}
}
