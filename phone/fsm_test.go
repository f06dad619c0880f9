package phone

import (
	"errors"
	"testing"
)

func TestNext(t *testing.T) {
	states := []State{StateIdle, StateOutgoing, StateIncoming, StateConnected}
	inputs := []input{inDial, inInvite, inAnswered, inEnded}
	want := map[State]map[input]State{
		StateIdle:      {inDial: StateOutgoing, inInvite: StateIncoming},
		StateOutgoing:  {inAnswered: StateConnected, inEnded: StateIdle},
		StateIncoming:  {inAnswered: StateConnected, inEnded: StateIdle},
		StateConnected: {inEnded: StateIdle},
	}
	for _, s := range states {
		for _, in := range inputs {
			got, err := next(s, in)
			w, ok := want[s][in]
			switch {
			case ok && (err != nil || got != w):
				t.Errorf("%s on %s = %s, %v; want %s", s, in, got, err, w)
			case !ok && !errors.Is(err, ErrBadTransition):
				t.Errorf("%s on %s = %s, %v; want ErrBadTransition", s, in, got, err)
			case !ok && got != s:
				t.Errorf("%s on %s moved to %s on error", s, in, got)
			}
		}
	}
}
