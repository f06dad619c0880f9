package intercom

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/phone"
)

// routeRun is a call in progress along the stages of its route (a group,
// or one target); the loop's own.
type routeRun struct {
	target string
	stages []config.Stage
	stage  int // 1-based stage ringing now; 0 before the first
}

// stageOf is the stage target rings in: the latest one up to the current
// stage that holds it. The phone's events reach the loop on their own
// channel, so one of stage k can come after stage k+1 has begun: the
// current stage alone would be wrong.
func (r *routeRun) stageOf(target string) int {
	for k := min(r.stage, len(r.stages)); k >= 1; k-- {
		if slices.Contains(r.stages[k-1].Targets, target) {
			return k
		}
	}
	return r.stage
}

// RouteStatus is what `skoip ctl status` shows of a route being called.
type RouteStatus struct {
	Target  string   `json:"target"`
	Stage   int      `json:"stage"`
	Stages  int      `json:"stages"`
	Ringing []string `json:"ringing,omitempty"`
}

// plain reports whether the route is one target called once, as a plain
// Dial.
func plain(target string, stages []config.Stage) bool {
	return config.GroupName(target) == "" && len(stages) == 1 && len(stages[0].Targets) == 1
}

// runRoute rings each stage of r in turn until one answers (nil), the dial
// is cancelled (hang-up, shutdown), or another call took the phone. It runs
// on a goroutine of its own and reaches the loop only through post.
func (i *Intercom) runRoute(ctx context.Context, r *routeRun, stages []config.Stage) error {
	var last error
	for k, st := range stages {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%w: %v", phone.ErrCancelled, err)
		}
		// The loop takes the stage before the stage's first event exists.
		_ = i.do(ctx, func() error {
			r.stage = k + 1
			i.log.Info("ringing", "target", r.target, "stage", k+1, "of", len(stages), "destinations", st.Targets, "for", st.RingTime)
			i.events.Publish(events.Event{Type: events.Route, EventType: events.RouteStage, Target: r.target,
				Stage: k + 1, Stages: len(stages), Targets: st.Targets, RingS: st.RingTime.Seconds()})
			return nil
		})
		_, err := i.phone.DialAll(ctx, st.Targets, st.RingTime)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil, errors.Is(err, phone.ErrCallInProgress), errors.Is(err, phone.ErrNotRunning):
			return err
		}
		i.log.Info("nobody answered this stage", "target", r.target, "stage", k+1, "err", err)
		last = err
	}
	return fmt.Errorf("nobody answered %s: %w", r.target, last)
}

// routeStatus is the route being called, nil when none.
func (i *Intercom) routeStatus() *RouteStatus {
	r := i.route
	if r == nil {
		return nil
	}
	return &RouteStatus{Target: r.target, Stage: r.stage, Stages: len(r.stages), Ringing: i.phone.Status().Ringing}
}

// publishAttempt turns a phone's attempt event into the stream's.
func (i *Intercom) publishAttempt(ev phone.Event) {
	e := events.Event{Type: events.Attempt, Target: ev.Target, Peer: ev.Peer, CallID: ev.CallID, Code: ev.Code}
	r := i.route
	if r == nil {
		r = i.lastRoute // the losers of a parallel stage end after the answer
	}
	if r != nil {
		e.Stage = r.stageOf(ev.Target)
	}
	switch ev.Reason {
	case "calling", "answered":
		e.State = ev.Reason
	default:
		e.State, e.Reason = "ended", ev.Reason
	}
	i.log.Info("attempt", "target", ev.Target, "peer", ev.Peer, "state", e.State, "reason", e.Reason, "code", ev.Code)
	i.events.Publish(e)
}
