package phone

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// regDialog is what successive REGISTERs share (RFC 3261 10.2: one
// Call-ID, increasing CSeq). Only the registration goroutine uses it, and
// after it the un-REGISTER.
type regDialog struct {
	callID  string
	fromTag string
	cseq    uint32
}

// maxRegRounds bounds the REGISTERs of one attempt (digest rounds, 423).
const maxRegRounds = 6

// register sends REGISTER (expires 0 removes our binding), answering
// digest challenges, and says how it went.
func (p *Phone) register(ctx context.Context, expires time.Duration) regOutcome {
	dest, err := resolve(ctx, p.acct.uri)
	if err != nil {
		return regOutcome{kind: failNetwork, err: fmt.Errorf("%w: %v", ErrRegistration, err)}
	}
	p.setProxy(dest.Addr())
	auth := &authorizer{cred: Credentials{User: p.acct.Username, Password: p.acct.Password}}
	for round := 0; round < maxRegRounds; round++ {
		req := p.newRegister(dest, expires)
		if err := auth.apply(req); err != nil {
			return regOutcome{kind: failOther, err: fmt.Errorf("%w: %v", ErrRegistration, err)}
		}
		res, err := p.do(ctx, req)
		if err != nil {
			return regOutcome{kind: failNetwork, err: fmt.Errorf("%w: no answer from %s: %v", ErrRegistration, dest, err)}
		}
		switch code := res.StatusCode; {
		case res.IsSuccess():
			return regOutcome{granted: grantedExpiry(res, req, expires), code: code}
		case code == 401 || code == 407:
			if err := auth.challenged(res); err != nil {
				return authFailure(res, err)
			}
		case code == 423 && minExpires(res) > expires:
			expires = minExpires(res)
		default:
			return refused(res)
		}
	}
	return regOutcome{kind: failOther, err: fmt.Errorf("%w: too many rounds", ErrRegistration)}
}

// authFailure is the outcome of a challenge we could not or should not
// answer again.
func authFailure(res *sip.Response, err error) regOutcome {
	kind := failAuth
	if !errors.Is(err, ErrAuthFailed) {
		kind = failOther
	}
	if errors.Is(err, ErrAuthFailed) {
		err = fmt.Errorf("%w: wrong username or password? %v", ErrRegistration, err)
	} else {
		err = fmt.Errorf("%w: %v", ErrRegistration, err)
	}
	return regOutcome{kind: kind, code: res.StatusCode, err: err}
}

// refused is the outcome of any other final response.
func refused(res *sip.Response) regOutcome {
	out := regOutcome{kind: failOther, code: res.StatusCode,
		err: fmt.Errorf("%w: %d %s", ErrRegistration, res.StatusCode, res.Reason)}
	switch {
	case res.StatusCode == 403:
		out.kind = failAuth
		out.err = fmt.Errorf("%w: %w: %d %s", ErrRegistration, ErrAuthFailed, res.StatusCode, res.Reason)
	case res.StatusCode == 408 || res.StatusCode >= 500:
		out.kind = failNetwork
	}
	if h := res.GetHeader("Retry-After"); h != nil {
		v := strings.TrimSpace(strings.SplitN(h.Value(), ";", 2)[0])
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			out.retryAfter = time.Duration(n) * time.Second
		}
	}
	return out
}

// newRegister builds the next REGISTER towards dest.
func (p *Phone) newRegister(dest netip.AddrPort, expires time.Duration) *sip.Request {
	d := &p.regDlg
	d.cseq++
	local := p.localFor(dest.Addr())
	req := sip.NewRequest(sip.REGISTER, *p.acct.uri.Clone())
	c := &call{local: local, transport: p.acct.transport}
	req.AppendHeader(p.via(c))
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	from := &sip.FromHeader{Address: *p.acct.aor.Clone()}
	from.Params.Add("tag", d.fromTag)
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: *p.acct.aor.Clone()})
	cid := sip.CallIDHeader(d.callID)
	req.AppendHeader(&cid)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: d.cseq, MethodName: sip.REGISTER})
	ct := p.contact(c)
	ct.Address.User = p.acct.Username
	req.AppendHeader(ct)
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(int(expires/time.Second))))
	req.AppendHeader(sip.NewHeader("User-Agent", p.cfg.UserAgent))
	req.AppendHeader(sip.NewHeader("Allow", allowMethods))
	req.SetBody(nil)
	p.prepare(req, c)
	req.SetDestination(dest.String())
	return req
}

// grantedExpiry is the lifetime the registrar gave our contact: its
// expires parameter in the 200's Contact list, else the Expires header,
// else what we asked for.
func grantedExpiry(res *sip.Response, req *sip.Request, asked time.Duration) time.Duration {
	ours := req.Contact()
	for _, h := range res.GetHeaders("Contact") {
		ct, ok := h.(*sip.ContactHeader)
		if !ok || ct == nil || ours == nil || !sameContact(ct.Address, ours.Address) {
			continue
		}
		if v, ok := ct.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	if h := res.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return asked
}

func sameContact(a, b sip.Uri) bool {
	return a.User == b.User && strings.EqualFold(a.Host, b.Host) && portOr5060(a.Port) == portOr5060(b.Port)
}

// minExpires reads a 423's Min-Expires.
func minExpires(res *sip.Response) time.Duration {
	if h := res.GetHeader("Min-Expires"); h != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return 0
}
