package mqttbridge

import (
	"log/slog"
	"sync"
	"time"
)

// Kinds of ignored input, each logged at most once per rateEvery.
const (
	ignoreRetained   = "retained"    // a retained message on a command topic
	ignoreTooLong    = "too_long"    // a payload over maxPayload bytes
	ignoreNotUTF8    = "not_utf8"    // a payload that is not UTF-8
	ignoreUnknown    = "unknown"     // PREFIX/cmd/NAME with NAME not a command
	ignoreNotAllowed = "not_allowed" // a command mqtt.allow_commands does not name
	ignorePayload    = "bad_payload" // a payload the command does not take
	ignoreQueueFull  = "queue_full"  // commandQueue commands are waiting already
	failPublish      = "publish"     // a publication that failed
)

// rateEvery is how often one kind of ignored input may be logged.
const rateEvery = 10 * time.Second

// rateLog logs a line of a kind at most once per rateEvery, with how many
// lines of that kind it suppressed since ("suppressed"). Kinds are the
// constants above, so its map is bounded.
type rateLog struct {
	log   *slog.Logger
	now   func() time.Time
	mu    sync.Mutex
	kinds map[string]*rateState
}

type rateState struct {
	last       time.Time
	suppressed int
}

func newRateLog(log *slog.Logger, now func() time.Time) *rateLog {
	return &rateLog{log: log, now: now, kinds: map[string]*rateState{}}
}

// warn logs msg with args, "kind" and "suppressed", unless a line of the
// same kind was logged less than rateEvery ago.
func (r *rateLog) warn(kind, msg string, args ...any) {
	r.mu.Lock()
	st := r.kinds[kind]
	if st == nil {
		st = &rateState{}
		r.kinds[kind] = st
	}
	now := r.now()
	if !st.last.IsZero() && now.Sub(st.last) < rateEvery {
		st.suppressed++
		r.mu.Unlock()
		return
	}
	n := st.suppressed
	st.last, st.suppressed = now, 0
	r.mu.Unlock()
	r.log.Warn(msg, append(args, "kind", kind, "suppressed", n)...)
}
