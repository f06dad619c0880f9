package phone

import (
	"errors"
	"fmt"
)

// Outcomes of a call attempt. Dial returns one of these (wrapped in a
// *CallError when a SIP response decided it); test with errors.Is.
var (
	// ErrBusy: the callee is busy (486 Busy Here, 600 Busy Everywhere).
	ErrBusy = errors.New("phone: busy")
	// ErrDeclined: the callee declined (603 Decline).
	ErrDeclined = errors.New("phone: declined")
	// ErrNotFound: no such user or address (404 Not Found, 604).
	ErrNotFound = errors.New("phone: not found")
	// ErrUnavailable: nobody answered or the callee is away (480).
	ErrUnavailable = errors.New("phone: temporarily unavailable")
	// ErrCancelled: the call attempt was cancelled (487, or our own CANCEL).
	ErrCancelled = errors.New("phone: cancelled")
	// ErrNotAcceptable: no common codec (488, 606) or an unusable SDP answer.
	ErrNotAcceptable = errors.New("phone: not acceptable")
	// ErrRejected: any other 3xx-6xx final response; see CallError.Code.
	ErrRejected = errors.New("phone: rejected")
	// ErrTimeout: no final response in time, or RingTimeout expired.
	ErrTimeout = errors.New("phone: timeout")
	// ErrUnreachable: the target could not be resolved or written to.
	ErrUnreachable = errors.New("phone: unreachable")
)

// Errors of the API itself.
var (
	// ErrCallInProgress: a call is already up or being set up.
	ErrCallInProgress = errors.New("phone: a call is in progress")
	// ErrNoCall: there is no call in the state the operation needs.
	ErrNoCall = errors.New("phone: no such call")
	// ErrNotRunning: Run has not started listening, or has returned.
	ErrNotRunning = errors.New("phone: not running")
	// ErrBadTarget: the dial target is not an IP, ip:port or SIP URI.
	ErrBadTarget = errors.New("phone: bad target")
	// ErrBadConfig: a Config field is invalid.
	ErrBadConfig = errors.New("phone: bad config")
	// ErrBadTransition: the call state machine refused a transition.
	ErrBadTransition = errors.New("phone: bad state transition")
	// ErrBadDTMF: a character that is not a DTMF digit.
	ErrBadDTMF = errors.New("phone: bad DTMF digit")
)

// Errors of registration and digest authentication.
var (
	// ErrAuthFailed: the server refused our credentials (a second 401/407
	// for a nonce we answered, or 403 to a REGISTER): wrong user name or
	// password. Registration backs off for minutes after it.
	ErrAuthFailed = errors.New("phone: authentication failed")
	// ErrAuthUnsupported: a challenge we cannot answer (algorithm, qop or
	// scheme other than Digest MD5/SHA-256 with qop auth or none).
	ErrAuthUnsupported = errors.New("phone: authentication scheme not supported")
	// ErrBadAuthHeader: a malformed WWW-/Proxy-Authenticate or
	// Authorization header.
	ErrBadAuthHeader = errors.New("phone: malformed authentication header")
	// ErrRegistration: the registrar refused or did not answer a REGISTER.
	ErrRegistration = errors.New("phone: registration failed")
)

// CallError is a call attempt ended by a SIP final response.
type CallError struct {
	Code   int    // SIP status code, e.g. 486
	Reason string // reason phrase as received
	Err    error  // one of the outcome sentinels above
}

func (e *CallError) Error() string {
	return fmt.Sprintf("%v (%d %s)", e.Err, e.Code, e.Reason)
}

// Unwrap returns the outcome sentinel.
func (e *CallError) Unwrap() error { return e.Err }

// outcomeOf maps a final status code to its sentinel.
func outcomeOf(code int) error {
	switch code {
	case 486, 600:
		return ErrBusy
	case 603:
		return ErrDeclined
	case 404, 604:
		return ErrNotFound
	case 480:
		return ErrUnavailable
	case 487:
		return ErrCancelled
	case 488, 606:
		return ErrNotAcceptable
	case 408:
		return ErrTimeout
	case 401, 407:
		return ErrAuthFailed
	}
	return ErrRejected
}
