package phone

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// DTMF timing for what we send.
const (
	dtmfDuration = 160 * time.Millisecond
	dtmfGap      = 80 * time.Millisecond
)

// validDigit reports whether r is a DTMF digit; it returns it upper-cased.
func validDigit(r rune) (rune, bool) {
	switch {
	case r >= '0' && r <= '9', r == '*', r == '#':
		return r, true
	case r >= 'A' && r <= 'D':
		return r, true
	case r >= 'a' && r <= 'd':
		return r - 'a' + 'A', true
	}
	return 0, false
}

// SendDTMF sends digits in the connected call: RFC 4733 through the stream
// when telephone-event was negotiated, else SIP INFO application/dtmf-relay.
func (p *Phone) SendDTMF(ctx context.Context, digits string) error {
	for _, r := range digits {
		if _, ok := validDigit(r); !ok {
			return fmt.Errorf("phone.SendDTMF: %w: %q", ErrBadDTMF, r)
		}
	}
	p.mu.Lock()
	c := p.call
	connected := c != nil && p.state == StateConnected
	var rtp bool
	if connected {
		rtp = c.params.DTMFType != 0
	}
	p.mu.Unlock()
	if !connected {
		return fmt.Errorf("phone.SendDTMF: %w: not connected", ErrNoCall)
	}
	for _, r := range digits {
		d, _ := validDigit(r)
		if err := p.sendDigit(ctx, c, d, rtp); err != nil {
			return fmt.Errorf("phone.SendDTMF: %w", err)
		}
	}
	return nil
}

// sendDigit sends one digit and paces the next.
func (p *Phone) sendDigit(ctx context.Context, c *call, d rune, rtp bool) error {
	start := time.Now()
	if !rtp {
		return p.sendInfo(ctx, c, d)
	}
	if err := c.stream.SendDTMF(d, dtmfDuration); err != nil {
		return fmt.Errorf("stream: %w", err)
	}
	t := time.NewTimer(time.Until(start.Add(dtmfDuration + dtmfGap)))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-c.done:
		return fmt.Errorf("%w: call ended", ErrNoCall)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sendInfo sends one digit as SIP INFO application/dtmf-relay.
func (p *Phone) sendInfo(ctx context.Context, c *call, d rune) error {
	req := p.inDialog(c, sip.INFO)
	withBody(req, dtmfRelayType, dtmfRelayBody(d, dtmfDuration))
	res, err := p.do(ctx, req)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return &CallError{Code: res.StatusCode, Reason: res.Reason, Err: ErrRejected}
	}
	return nil
}

// dtmfRelayBody is an application/dtmf-relay body.
func dtmfRelayBody(d rune, dur time.Duration) []byte {
	return fmt.Appendf(nil, "Signal=%c\r\nDuration=%d\r\n", d, dur.Milliseconds())
}

// parseDTMFInfo reads the digit of an INFO body: application/dtmf-relay
// ("Signal=5") or application/dtmf ("5"). Event codes 10 and 11 stand for
// '*' and '#'.
func parseDTMFInfo(ctype string, body []byte) (rune, error) {
	var sig string
	switch mediaType(ctype) {
	case dtmfRelayType:
		sc := bufio.NewScanner(strings.NewReader(string(body)))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "signal") {
				sig = strings.TrimSpace(v)
				break
			}
		}
	case dtmfType:
		sig = strings.TrimSpace(string(body))
	default:
		return 0, fmt.Errorf("%w: content type %q", ErrBadDTMF, ctype)
	}
	switch sig {
	case "10":
		return '*', nil
	case "11":
		return '#', nil
	}
	if n, err := strconv.Atoi(sig); err == nil && n >= 12 && n <= 15 {
		return rune('A' + n - 12), nil
	}
	if r := []rune(sig); len(r) == 1 {
		if d, ok := validDigit(r[0]); ok {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%w: signal %q", ErrBadDTMF, sig)
}

// ackWait bounds how long an INFO that overtook the ACK of our 2xx waits
// for it (sipgo hands each datagram to its own goroutine: back-to-back
// ACK and INFO arrive reordered).
const ackWait = 2 * time.Second

// awaitConfirmed reports whether c's dialog is confirmed, waiting up to
// ackWait for the ACK of an answered call. A call nobody answered is not
// confirmed, at once.
func (p *Phone) awaitConfirmed(c *call) bool {
	select {
	case <-c.answered:
	default:
		return false
	}
	if c.confirmed() {
		return true
	}
	t := time.NewTimer(ackWait)
	defer t.Stop()
	select {
	case <-c.acked:
		return true
	case <-c.done:
	case <-p.quit:
	case <-t.C:
	}
	return false
}

// onInfo takes DTMF as SIP INFO from the dialog's peer, in a confirmed
// dialog only (403 before); an empty INFO is a keep-alive.
func (p *Phone) onInfo(req *sip.Request, tx sip.ServerTransaction) {
	c := p.inDialogRequest(req, tx)
	if c == nil {
		return
	}
	if len(req.Body()) == 0 {
		p.reply(tx, req, 200, "OK", c)
		return
	}
	ctype := ""
	if ct := req.ContentType(); ct != nil {
		ctype = ct.Value()
	}
	d, err := parseDTMFInfo(ctype, req.Body())
	if err != nil {
		p.reply(tx, req, 415, "Unsupported Media Type", c, sip.NewHeader("Accept", dtmfRelayType+", "+dtmfType))
		return
	}
	if !p.awaitConfirmed(c) {
		p.warnLimited("DTMF refused: the dialog is not confirmed (not answered and ACKed)", "source", "info", "call_id", c.id)
		p.reply(tx, req, 403, "Forbidden (call not answered)", c)
		return
	}
	p.reply(tx, req, 200, "OK", c)
	p.emit(Event{Kind: EventDTMF, State: StateConnected, Digit: d, Source: "info", Peer: c.peerString(), CallID: c.id, Secure: p.isSecure(c)})
}
