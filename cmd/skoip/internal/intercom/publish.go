package intercom

import (
	"math"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/phone"
)

// Publisher takes the intercom's events (*events.Bus). Publish must not
// wait: the loop calls it.
type Publisher interface {
	Publish(events.Event) events.Event
}

// noEvents is the Publisher of an intercom built without one.
type noEvents struct{}

func (noEvents) Publish(ev events.Event) events.Event { return ev }

// publishButton tells a press or a release; long presses are not events.
func (i *Intercom) publishButton(be hw.ButtonEvent) {
	switch be.Kind {
	case hw.Press:
		i.events.Publish(events.Event{Type: events.ButtonPress, Button: be.Button})
	case hw.Release:
		i.events.Publish(events.Event{Type: events.ButtonRelease, Button: be.Button})
	}
}

// publishPhone turns a phone event into the stream's events.
func (i *Intercom) publishPhone(ev phone.Event) {
	base := events.Event{Peer: ev.Peer, CallID: ev.CallID}
	switch ev.Kind {
	case phone.EventState:
		e := base
		e.Type, e.State, e.Reason, e.Code = events.CallState, string(ev.State), ev.Reason, ev.Code
		i.events.Publish(e)
		if ev.State == phone.StateConnected {
			e := base
			e.Type = events.Answered
			i.events.Publish(e)
		}
	case phone.EventIncoming:
		base.Type = events.Incoming
		i.events.Publish(base)
	case phone.EventRinging:
		base.Type, base.Code = events.Ringing, ev.Code
		i.events.Publish(base)
	case phone.EventEnded:
		base.Type, base.Reason, base.Code, base.Quality = events.CallEnded, ev.Reason, ev.Code, quality(ev.Quality)
		i.lastCall = i.events.Publish(base)
	case phone.EventDTMF:
		base.Type, base.Digit, base.Source = events.DTMF, string(ev.Digit), ev.Source
		i.events.Publish(base)
	case phone.EventRegistration:
		i.events.Publish(events.Event{Type: events.Registration, Registered: events.Bool(ev.Registered),
			Reason: ev.Reason, Code: ev.Code})
	}
}

// quality is q as the event stream writes it; nil stays nil.
func quality(q *phone.Quality) *events.Quality {
	if q == nil {
		return nil
	}
	ms := func(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }
	s := q.Stats
	erle := s.ERLE
	if math.IsNaN(erle) || math.IsInf(erle, 0) {
		erle = 0
	}
	return &events.Quality{DurationS: math.Round(q.Duration.Seconds()*1000) / 1000, Codec: q.Codec, CodecRate: s.CodecRate,
		RTPRx: s.RTPRx, RTPTx: s.RTPTx, Lost: s.Lost, JitterMS: ms(s.Jitter), RTTMS: ms(s.RTT),
		PlayoutDelayMS: ms(s.PlayoutDelay), Underruns: s.Underruns, Concealed: s.Concealed,
		ERLEDB: math.Round(erle*10) / 10}
}

// publishDoorbell tells what became of a ring at the door: kind is
// events.Ring, RingAnswered or RingMissed.
func (i *Intercom) publishDoorbell(kind, button, peer, reason string) {
	i.events.Publish(events.Event{Type: events.Doorbell, EventType: kind, Button: button, Peer: peer, Reason: reason})
}

// publishRelay tells that the relay was energised for pulse by who, or
// released (pulse 0).
func (i *Intercom) publishRelay(active bool, pulse time.Duration, by string) {
	i.events.Publish(events.Event{Type: events.Relay, Active: events.Bool(active), PulseMS: pulse.Milliseconds(), By: by})
}
