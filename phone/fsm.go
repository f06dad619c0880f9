package phone

import "fmt"

// State is the call state as the rest of the intercom sees it.
type State string

// The call states (see doc.go for the transitions).
const (
	StateIdle      State = "idle"
	StateOutgoing  State = "outgoing"
	StateIncoming  State = "incoming"
	StateConnected State = "connected"
)

// input is what drives the call state machine.
type input int

const (
	inDial     input = iota + 1 // we send an INVITE
	inInvite                    // an acceptable INVITE arrived
	inAnswered                  // 200 OK sent (incoming) or received (outgoing)
	inEnded                     // rejected, cancelled, timed out, hung up, BYE...
)

func (in input) String() string {
	switch in {
	case inDial:
		return "dial"
	case inInvite:
		return "invite"
	case inAnswered:
		return "answered"
	case inEnded:
		return "ended"
	}
	return fmt.Sprintf("input(%d)", int(in))
}

// next is the whole call state machine: the state that in leads to from s.
// Any pair not listed is refused.
func next(s State, in input) (State, error) {
	switch {
	case s == StateIdle && in == inDial:
		return StateOutgoing, nil
	case s == StateIdle && in == inInvite:
		return StateIncoming, nil
	case (s == StateOutgoing || s == StateIncoming) && in == inAnswered:
		return StateConnected, nil
	case s != StateIdle && in == inEnded:
		return StateIdle, nil
	}
	return s, fmt.Errorf("%w: %s on %s", ErrBadTransition, s, in)
}

// String returns the state's name.
func (s State) String() string { return string(s) }
