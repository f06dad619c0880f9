package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

// The ring group tests: a door unit whose [[groups]] ring several inside
// units (SKOIP nodes on the lab's inside host, each on a SIP port of its
// own, and baresip), in parallel (phone.DialAll: the first 2xx wins, the
// others are cancelled with Reason "Call completed elsewhere") and in
// sequence (the intercom's route: one stage after the other).

// elsewhereText is the Reason text a cancelled member of a group gets.
const elsewhereText = `text="Call completed elsewhere"`

// group is one [[groups]] table of the door's config.
type group struct {
	name, mode string
	members    []string
	ringTime   string
}

// startDoor starts a door node whose config holds groups; its members'
// addresses must be known, so the inside nodes are started first.
func startDoor(t *testing.T, h host, over settings, groups ...group) *node {
	t.Helper()
	s := settings{}
	for k, v := range over {
		s[k] = v
	}
	// settings render one table per section: the [[groups]] come after.
	var b strings.Builder
	for _, g := range groups {
		ms := make([]string, len(g.members))
		for i, m := range g.members {
			ms[i] = q(m)
		}
		fmt.Fprintf(&b, "[[groups]]\nname = %q\nmode = %q\nmembers = [%s]\nring_time = %q\n\n",
			g.name, g.mode, strings.Join(ms, ", "), g.ringTime)
	}
	n := launchNodeExtra(t, "door", h, testdata("door.wav"), s, b.String())
	n.ready()
	return n
}

// groupStatus is the part of `skoip ctl status` these tests read beyond
// status: the route being called.
type groupStatus struct {
	State string `json:"state"`
	Peer  string `json:"peer"`
	RTPRx uint64 `json:"rtp_rx"`
	Route *struct {
		Target  string   `json:"target"`
		Stage   int      `json:"stage"`
		Stages  int      `json:"stages"`
		Ringing []string `json:"ringing"`
	} `json:"route"`
}

func routeStatus(n *node) (groupStatus, error) {
	var st groupStatus
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := control.Request(ctx, n.sock, "status")
	if err != nil {
		return st, err
	}
	err = json.Unmarshal([]byte(out), &st)
	return st, err
}

// request sends one control line to n directly (no process per request,
// so that its timing is the node's).
func request(t *testing.T, n *node, line string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := control.Request(ctx, n.sock, line); err != nil {
		t.Fatalf("%s: %s: %v", n.name, line, err)
	}
}

// watchState polls n's status every 10 ms from start until its state is
// state or timeout passes, and returns when it first saw it (0: never).
func watchState(n *node, state string, timeout time.Duration) time.Time {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if st, err := n.status(); err == nil && st.State == state {
			return time.Now()
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Time{}
}

// groupEvent is the part of a `ctl events` line these tests read.
type groupEvent struct {
	Time      time.Time `json:"time"`
	Type      string    `json:"type"`
	EventType string    `json:"event_type"`
	State     string    `json:"state"`
	Target    string    `json:"target"`
	Targets   []string  `json:"targets"`
	Peer      string    `json:"peer"`
	Reason    string    `json:"reason"`
	Code      int       `json:"code"`
	Stage     int       `json:"stage"`
	Stages    int       `json:"stages"`
	RingS     float64   `json:"ring_s"`
	at        time.Time // when the test read it
}

// eventLog reads n's `ctl events` stream until the test ends.
type eventLog struct {
	mu  sync.Mutex
	evs []groupEvent
}

func subscribe(t *testing.T, n *node) *eventLog {
	t.Helper()
	conn, err := net.Dial("unix", n.sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "events\n")
	br := bufio.NewReader(conn)
	if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "subscribed") {
		t.Fatalf("%s events: first line %q %v", n.name, line, err)
	}
	l := &eventLog{}
	go func() {
		sc := bufio.NewScanner(br)
		for sc.Scan() {
			var ev groupEvent
			if json.Unmarshal(sc.Bytes(), &ev) != nil {
				continue
			}
			ev.at = time.Now()
			l.mu.Lock()
			l.evs = append(l.evs, ev)
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *eventLog) of(typ string) []groupEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []groupEvent
	for _, e := range l.evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// wait waits until an event matches ok.
func (l *eventLog) wait(t *testing.T, what string, timeout time.Duration, ok func(groupEvent) bool) groupEvent {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		l.mu.Lock()
		for _, e := range l.evs {
			if ok(e) {
				l.mu.Unlock()
				return e
			}
		}
		l.mu.Unlock()
		if time.Now().After(deadline) {
			l.dump(t)
			t.Fatalf("no event %s in %v", what, timeout)
		}
		time.Sleep(pollInterval)
	}
}

func (l *eventLog) dump(t *testing.T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.evs {
		t.Logf("event %s %s state=%s target=%s targets=%v stage=%d/%d reason=%q code=%d", e.Type, e.EventType, e.State, e.Target, e.Targets, e.Stage, e.Stages, e.Reason, e.Code)
	}
}

// sipReceived is the SIP messages of n's trace (log.level debug: the
// message after a line "===== PEER | SIP Received =====") whose first line
// starts with method.
func sipReceived(n *node, method string) []string {
	var out []string
	parts := strings.Split(n.logText(), "| SIP Received =====")
	for _, part := range parts[1:] {
		_, msg, _ := strings.Cut(part, "\n") // the rest of the log record's line
		if end := strings.Index(msg, "\ntime="); end >= 0 {
			msg = msg[:end]
		}
		if strings.HasPrefix(msg, method+" ") {
			out = append(out, msg)
		}
	}
	return out
}

// insideUnits starts one quiet SKOIP node per name on h (kitchen gets
// speech from a file, so that its media can be checked).
func insideUnits(t *testing.T, h host, over settings, names ...string) []*node {
	t.Helper()
	var ns []*node
	for _, name := range names {
		s := quiet(settings{})
		for k, v := range over {
			s[k] = v
		}
		ns = append(ns, startNode(t, name, h, "", s))
	}
	return ns
}

// TestGroupParallel: the door calls group:house (kitchen, office, attic in
// parallel); all three ring; the kitchen answers; the door is connected to
// the kitchen with media flowing, and office and attic stop ringing within
// 200 ms (median of 3 rounds) having received a CANCEL with Reason "Call
// completed elsewhere".
func TestGroupParallel(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	units := insideUnits(t, lab.inside, nil, "kitchen", "office", "attic")
	kitchen, office, attic := units[0], units[1], units[2]
	door := startDoor(t, lab.door, nil, group{"house", "parallel", []string{kitchen.sip, office.sip, attic.sip}, "20s"})
	evs := subscribe(t, door)

	var worst []time.Duration
	for round := range 3 {
		door.mustCtl("call", "group:house")
		for _, u := range units {
			u.waitState("incoming", setupTimeout)
		}
		rs, err := routeStatus(door)
		if err != nil || rs.Route == nil || rs.Route.Target != "group:house" || len(rs.Route.Ringing) != 3 {
			t.Errorf("round %d: door status while ringing: %+v %v, want route group:house with 3 ringing", round, rs.Route, err)
		}

		// Office and attic are watched from before the answer.
		var wg sync.WaitGroup
		idleAt := make([]time.Time, 2)
		for k, u := range []*node{office, attic} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				idleAt[k] = watchState(u, "idle", 5*time.Second)
			}()
		}
		time.Sleep(30 * time.Millisecond)
		t0 := time.Now()
		request(t, kitchen, "answer")
		answered := time.Since(t0)
		wg.Wait()
		var r []time.Duration
		for k, at := range idleAt {
			if at.IsZero() {
				t.Fatalf("round %d: %s still ringing 5 s after the kitchen answered", round, []string{"office", "attic"}[k])
			}
			r = append(r, at.Sub(t0))
		}
		t.Logf("round %d: the answer request took %v; office idle %v, attic idle %v after it was sent",
			round, answered.Round(time.Millisecond), r[0].Round(time.Millisecond), r[1].Round(time.Millisecond))
		worst = append(worst, max(r[0], r[1]))
		if max(r[0], r[1]) > 500*time.Millisecond {
			t.Errorf("round %d: office and attic stopped ringing %v and %v after the answer, want < 500 ms each (200 ms median)", round, r[0], r[1])
		}

		st := kitchen.waitState("connected", setupTimeout)
		ds := door.waitState("connected", setupTimeout)
		if !strings.Contains(ds.Peer, kitchen.sip) {
			t.Errorf("round %d: door connected to %q, want the kitchen %s", round, ds.Peer, kitchen.sip)
		}
		kitchen.waitFor("RTP from the door", 5*time.Second, func(s status) bool { return s.State == "connected" && s.RTPRx > st.RTPRx+25 })
		d1 := door.waitFor("RTP from the kitchen", 5*time.Second, func(s status) bool { return s.RTPRx > 25 })
		k1, _ := kitchen.status()
		t.Logf("round %d: kitchen received %d RTP packets, door %d", round, k1.RTPRx, d1.RTPRx)
		for _, u := range []*node{office, attic} {
			if s, _ := u.status(); s.State != "idle" {
				t.Errorf("round %d: %s is %s while the kitchen talks", round, u.name, s.State)
			}
		}
		door.mustCtl("hangup")
		door.waitState("idle", setupTimeout)
		kitchen.waitState("idle", setupTimeout)
	}
	sort.Slice(worst, func(i, j int) bool { return worst[i] < worst[j] })
	t.Logf("the last of office and attic idle after the answer: %v (median %v)", worst, worst[1])
	if worst[1] > 200*time.Millisecond {
		t.Errorf("the others stopped ringing %v after the answer (median of 3), want < 200 ms", worst[1])
	}

	// Each loser got a CANCEL per round with the Reason; the kitchen none.
	for _, u := range []*node{office, attic} {
		cancels := sipReceived(u, "CANCEL")
		with := 0
		for _, m := range cancels {
			if strings.Contains(m, "Reason: SIP;cause=200;"+elsewhereText) {
				with++
			}
		}
		if len(cancels) < 3 || with != len(cancels) {
			t.Errorf("%s received %d CANCEL, %d with Reason %s; want 3, all with it:\n%s", u.name, len(cancels), with, elsewhereText, strings.Join(cancels, "\n"))
		}
	}
	if c := sipReceived(kitchen, "CANCEL"); len(c) != 0 {
		t.Errorf("the kitchen, which answered, received %d CANCEL", len(c))
	}
	// The events: per round a route start, stage 1 of 1 with the three
	// members, the three attempts calling and the route answered.
	for _, want := range []string{"start", "stage", "answered"} {
		n := 0
		for _, e := range evs.of("route") {
			if e.EventType == want && e.Target == "group:house" {
				n++
				if want == "stage" && (e.Stage != 1 || e.Stages != 1 || len(e.Targets) != 3 || e.RingS != 20) {
					t.Errorf("route stage event %+v, want stage 1 of 1, 3 targets, 20 s", e)
				}
			}
		}
		if n != 3 {
			evs.dump(t)
			t.Errorf("%d route %s events, want 3", n, want)
		}
	}
	calling, answeredBy := 0, []string{}
	for _, e := range evs.of("attempt") {
		switch e.State {
		case "calling":
			calling++
		case "answered":
			answeredBy = append(answeredBy, e.Target)
		}
	}
	if calling != 9 {
		t.Errorf("%d attempts calling, want 3 per round", calling)
	}
	if len(answeredBy) != 3 || slices.ContainsFunc(answeredBy, func(s string) bool { return s != kitchen.sip }) {
		t.Errorf("answered attempts %v, want the kitchen (%s) three times", answeredBy, kitchen.sip)
	}
}

// losesWith is how a member that lost the race was told: a CANCEL or a
// BYE (its 200 crossed the other's) with Reason "Call completed elsewhere";
// "" if neither came.
func losesWith(n *node, since int) string {
	for _, m := range []string{"BYE", "CANCEL"} {
		for _, msg := range sipReceived(n, m)[since:] {
			if strings.Contains(msg, elsewhereText) {
				return m
			}
		}
	}
	return ""
}

// TestGroupTwoAnswerAtOnce: two units that answer by themselves (no delay)
// in one parallel group, five times: each time exactly one call survives
// at the door, the other unit is idle again (told by CANCEL or, when its
// 200 crossed the other's, by ACK and BYE, with the Reason), and stays so.
// A third unit answers with `ctl answer` from two goroutines at the same
// moment as a second manual one does.
func TestGroupTwoAnswerAtOnce(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	autos := insideUnits(t, lab.inside, settings{"calls.auto_answer": "true", "calls.auto_answer_delay": q("0s")}, "left", "right")
	manual := insideUnits(t, lab.inside, nil, "up", "down")
	door := startDoor(t, lab.door, nil,
		group{"auto", "parallel", []string{autos[0].sip, autos[1].sip}, "20s"},
		group{"manual", "parallel", []string{manual[0].sip, manual[1].sip}, "20s"})

	round := func(name string, pair []*node, answer func()) {
		t.Helper()
		// Counted per unit before the round: what the round brings.
		before := []int{len(sipReceived(pair[0], "BYE")), len(sipReceived(pair[1], "BYE"))}
		cancels := []int{len(sipReceived(pair[0], "CANCEL")), len(sipReceived(pair[1], "CANCEL"))}
		hangups := []int{strings.Count(pair[0].logText(), "remote hangup"), strings.Count(pair[1].logText(), "remote hangup")}
		door.mustCtl("call", "group:"+name)
		answer()
		ds := door.waitState("connected", setupTimeout)
		var winner, loser *node
		var lostBy string
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			s0, _ := pair[0].status()
			s1, _ := pair[1].status()
			switch {
			case s0.State == "connected" && s1.State == "idle":
				winner, loser = pair[0], pair[1]
			case s1.State == "connected" && s0.State == "idle":
				winner, loser = pair[1], pair[0]
			}
			if winner != nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if winner == nil {
			s0, _ := pair[0].status()
			s1, _ := pair[1].status()
			t.Fatalf("%s: not one call: %s %s, %s %s 3 s after the door connected", name, pair[0].name, s0.State, pair[1].name, s1.State)
		}
		if !strings.Contains(ds.Peer, winner.sip) {
			t.Errorf("%s: door connected to %q, but %s (%s) is the one connected", name, ds.Peer, winner.name, winner.sip)
		}
		k := slices.Index(pair, loser)
		byes := sipReceived(loser, "BYE")[before[k]:]
		cs := sipReceived(loser, "CANCEL")[cancels[k]:]
		switch {
		case len(byes) == 1 && strings.Contains(byes[0], elsewhereText):
			lostBy = "ACK+BYE"
			if !loser.loggedMore("remote hangup", hangups[k]) {
				t.Errorf("%s: %s got a BYE but logged no remote hangup within 5 s", name, loser.name)
			}
		case len(byes) == 0 && len(cs) == 1 && strings.Contains(cs[0], elsewhereText):
			lostBy = "CANCEL"
		default:
			t.Errorf("%s: the loser %s received %d BYE and %d CANCEL in the round, want one of them with %s:\n%s",
				name, loser.name, len(byes), len(cs), elsewhereText, strings.Join(append(byes, cs...), "\n"))
		}
		t.Logf("%s: %s answered first, %s was told by %s", name, winner.name, loser.name, lostBy)
		// One second later it is still one call.
		time.Sleep(time.Second)
		if s, _ := door.status(); s.State != "connected" || !strings.Contains(s.Peer, winner.sip) {
			t.Errorf("%s: a second later the door is %s with %q", name, s.State, s.Peer)
		}
		if s, _ := loser.status(); s.State != "idle" {
			t.Errorf("%s: a second later %s is %s", name, loser.name, s.State)
		}
		if s, _ := winner.status(); s.State != "connected" {
			t.Errorf("%s: a second later %s is %s", name, winner.name, s.State)
		}
		door.mustCtl("hangup")
		door.waitState("idle", setupTimeout)
		for _, u := range pair {
			u.waitState("idle", setupTimeout)
		}
	}
	for range 3 {
		round("auto", autos, func() {})
	}
	for range 2 {
		round("manual", manual, func() {
			for _, u := range manual {
				u.waitState("incoming", setupTimeout)
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, u := range manual {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					control.Request(ctx, u.sock, "answer") // the loser may find no call left to answer
				}()
			}
			close(start)
			wg.Wait()
		})
	}
}

// TestGroupSequential: group:chain rings in turn, 5 s each: (in network
// namespaces) an address with no route (skipped at once: the INVITE cannot
// be sent), a port where nobody listens (the kernel's ICMP port unreachable
// is not seen by the phone: that stage lasts its ring time and the CANCEL
// guard), A (rings the whole 5 s, then is cancelled), B (busy: declines at
// once), C (answers). The door's events show the stages in order with
// their attempts, and status.route the stage ringing.
func TestGroupSequential(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	units := insideUnits(t, lab.inside, nil, "A", "B", "C")
	a, b, c := units[0], units[1], units[2]
	closed := lab.inside.ip + ":9" // discard: nobody listens there
	members := []string{closed, a.sip, b.sip, c.sip}
	noRoute := ""
	if lab.netns {
		noRoute = "10.99.0.1:5060" // the door's namespace has no route there
		members = append([]string{noRoute}, members...)
	}
	stageOf := func(m string) int { return slices.Index(members, m) + 1 }
	door := startDoor(t, lab.door, nil, group{"chain", "sequential", members, "5s"})
	evs := subscribe(t, door)
	stageStart := func(m string, timeout time.Duration) time.Time {
		t.Helper()
		e := evs.wait(t, "stage of "+m, timeout, func(e groupEvent) bool {
			return e.Type == "route" && e.EventType == "stage" && slices.Equal(e.Targets, []string{m})
		})
		return e.at
	}

	t0 := time.Now()
	door.mustCtl("call", "group:chain")
	if noRoute != "" {
		noRouteAt := stageStart(noRoute, 5*time.Second)
		closedAt := stageStart(closed, 5*time.Second)
		t.Logf("no-route member %s: stage %v", noRoute, closedAt.Sub(noRouteAt).Round(time.Millisecond))
		if d := closedAt.Sub(noRouteAt); d > 3*time.Second {
			t.Errorf("the member with no route held its stage %v, want < 3 s", d)
		}
	}
	closedAt := stageStart(closed, 5*time.Second)
	aRang := watchState(a, "incoming", 15*time.Second)
	if aRang.IsZero() {
		t.Fatal("A never rang")
	}
	closedFor := aRang.Sub(closedAt)
	rs, err := routeStatus(door)
	if err != nil || rs.Route == nil || rs.Route.Target != "group:chain" || rs.Route.Stage != stageOf(a.sip) ||
		rs.Route.Stages != len(members) || !slices.Equal(rs.Route.Ringing, []string{a.sip}) {
		t.Errorf("door status while A rings: %+v %v, want group:chain stage %d of %d ringing [%s]", rs.Route, err, stageOf(a.sip), len(members), a.sip)
	}
	bRang := watchState(b, "incoming", 9*time.Second)
	if bRang.IsZero() {
		t.Fatal("B never rang")
	}
	aRing := bRang.Sub(aRang)
	if s, _ := a.status(); s.State != "idle" {
		t.Errorf("A is %s while B rings", s.State)
	}
	request(t, b, "hangup") // busy
	declined := time.Now()
	cRang := watchState(c, "incoming", 5*time.Second)
	if cRang.IsZero() {
		t.Fatal("C never rang")
	}
	next := cRang.Sub(declined)
	request(t, c, "answer")
	ds := door.waitState("connected", setupTimeout)
	if !strings.Contains(ds.Peer, c.sip) {
		t.Errorf("door connected to %q, want C %s", ds.Peer, c.sip)
	}
	c.waitFor("RTP from the door", 5*time.Second, func(s status) bool { return s.State == "connected" && s.RTPRx > 10 })
	t.Logf("closed port %s held its stage %v; A rang %v before B; C rang %v after B declined; %v from the call to C's answer",
		closed, closedFor.Round(time.Millisecond), aRing.Round(time.Millisecond), next.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	// The closed port's stage: no response at all within 3 s makes it
	// unreachable, and 100 ms later the stage is over (no CANCEL is sent,
	// nor waited for), well before its 5 s ring time.
	if closedFor < 3*time.Second || closedFor > 4500*time.Millisecond {
		t.Errorf("the closed port held its stage %v, want about 3.1 s (unreachable after 3 s of silence)", closedFor)
	}
	if aRing < 4*time.Second || aRing > 6*time.Second {
		t.Errorf("A rang %v, want 5 s ± 1 s", aRing)
	}
	if next > time.Second {
		t.Errorf("C rang %v after B declined, want < 1 s", next)
	}
	for _, u := range []*node{a, b} {
		if s, _ := u.status(); s.State != "idle" {
			t.Errorf("%s is %s while C talks", u.name, s.State)
		}
	}
	if rs, _ := routeStatus(door); rs.Route != nil {
		t.Errorf("status still shows a route once connected: %+v", rs.Route)
	}

	// The events: start, the stages 1..N in order (each one target, 5 s),
	// an attempt calling per member in its stage, answered at the last.
	evs.wait(t, "route answered", 5*time.Second, func(e groupEvent) bool { return e.Type == "route" && e.EventType == "answered" })
	var stages, wantStages []int
	for k := range members {
		wantStages = append(wantStages, k+1)
	}
	var route []string
	for _, e := range evs.of("route") {
		route = append(route, e.EventType)
		if e.EventType == "stage" {
			stages = append(stages, e.Stage)
			if e.Stages != len(members) || !slices.Equal(e.Targets, []string{members[e.Stage-1]}) || e.RingS != 5 {
				t.Errorf("stage event %+v, want of %d, target %s, 5 s", e, len(members), members[e.Stage-1])
			}
		}
		if e.EventType == "answered" && e.Stage != len(members) {
			t.Errorf("route answered at stage %d, want %d", e.Stage, len(members))
		}
	}
	if !slices.Equal(stages, wantStages) || route[0] != "start" || route[len(route)-1] != "answered" {
		evs.dump(t)
		t.Errorf("route events %v stages %v, want start, stage %v, answered", route, stages, wantStages)
	}
	var calling []string
	ended := map[string]groupEvent{}
	for _, e := range evs.of("attempt") {
		switch e.State {
		case "calling":
			calling = append(calling, e.Target)
			// An attempt event takes the route's stage when the intercom's
			// loop handles it, and the next stage may already be posted:
			// the no-route member's attempt (over at once) may carry stage
			// 2. The members that ring must carry their own.
			switch {
			case e.Stage == stageOf(e.Target):
			case e.Target == noRoute:
				t.Logf("stage race: the attempt calling %s (stage %d) carries stage %d", e.Target, stageOf(e.Target), e.Stage)
			default:
				t.Errorf("attempt calling %s in stage %d, want %d", e.Target, e.Stage, stageOf(e.Target))
			}
		case "ended":
			ended[e.Target] = e
			if e.Stage != stageOf(e.Target) {
				t.Errorf("the attempt of %s (stage %d) ended with stage %d", e.Target, stageOf(e.Target), e.Stage)
			}
		}
	}
	wantCalling := members
	if !slices.Equal(calling, wantCalling) {
		evs.dump(t)
		t.Errorf("attempts calling %v, want %v", calling, wantCalling)
	}
	for _, m := range members[:len(members)-1] {
		e, ok := ended[m]
		if !ok {
			evs.dump(t)
			t.Errorf("no attempt ended for %s", m)
			continue
		}
		t.Logf("attempt %s ended: %q code %d (stage %d)", m, e.Reason, e.Code, e.Stage)
	}
	if e := ended[b.sip]; e.Code != 486 && e.Code != 603 {
		t.Errorf("B's attempt ended with %d %q, want busy (486) or decline (603)", e.Code, e.Reason)
	}
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
}

// TestGroupWithBaresip: baresip (answering by itself) and a SKOIP unit in
// one parallel group: the door is connected to baresip, speech from it is
// heard at the door, and the SKOIP unit stops ringing, told by a CANCEL
// (or a BYE) with Reason "Call completed elsewhere".
func TestGroupWithBaresip(t *testing.T) {
	needTool(t, "baresip", "baresip-core")
	t.Parallel()
	lab := newLab(t)
	port := peerPort(t, lab.inside)
	dir := baresipConf(t, lab.inside, port, testdata("inside.wav"))
	bs := startPeer(t, "baresip", lab.inside.command("baresip", "-f", dir, "-t", "40"), dir, "HOME="+filepath.Join(dir, "home"))
	bs.waitOutput("baresip is ready", 10*time.Second)
	unit := startNode(t, "hall", lab.inside, "", quiet(nil))
	bob := fmt.Sprintf("sip:bob@%s:%d", lab.inside.ip, port)
	door := startDoor(t, lab.door, nil, group{"house", "parallel", []string{unit.sip, bob}, "20s"})

	door.mustCtl("call", "group:house")
	ds := door.waitState("connected", setupTimeout)
	answered := time.Now()
	if want := fmt.Sprintf("%s:%d", lab.inside.ip, port); !strings.Contains(ds.Peer, want) {
		t.Errorf("door connected to %q, want baresip at %s", ds.Peer, want)
	}
	idle := watchState(unit, "idle", 5*time.Second)
	if idle.IsZero() {
		t.Fatal("the SKOIP unit still rings 5 s after baresip answered")
	}
	t.Logf("the SKOIP unit idle %v after the door saw the answer", idle.Sub(answered).Round(time.Millisecond))
	if invites := sipReceived(unit, "INVITE"); len(invites) != 1 {
		t.Errorf("the SKOIP unit received %d INVITE, want 1", len(invites))
	}
	if how := losesWith(unit, 0); how == "" {
		t.Errorf("the SKOIP unit got no CANCEL or BYE with %s", elsewhereText)
	} else {
		t.Logf("the SKOIP unit was told by %s", how)
	}
	span, _ := talk(t, door, door, 5*time.Second)
	if s, _ := unit.status(); s.State != "idle" {
		t.Errorf("the SKOIP unit is %s while baresip talks", s.State)
	}
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
	bs.waitOutput("terminated", 10*time.Second)
	bs.stop()
	if err := door.stop(); err != nil {
		t.Error(err)
	}
	checkHears(t, door, span, testdata("inside.wav"), testdata("door.wav"), clean)
	checkPeerHears(t, "baresip", baresipHeard(t, dir), testdata("door.wav"), testdata("inside.wav"))
}

// TestGroupNested: groups in groups. group:all rings group:up (parallel:
// u1 and u2 together, for up's 5 s) and then u3; group:house rings u3 and
// group:up's members all at once.
func TestGroupNested(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	units := insideUnits(t, lab.inside, nil, "u1", "u2", "u3")
	u1, u2, u3 := units[0], units[1], units[2]
	door := startDoor(t, lab.door, nil,
		group{"up", "parallel", []string{u1.sip, u2.sip}, "5s"},
		group{"all", "sequential", []string{"group:up", u3.sip}, "10s"},
		group{"house", "parallel", []string{u3.sip, "group:up"}, "20s"})

	// Sequential with a parallel stage: u1 and u2 ring 5 s, then u3.
	door.mustCtl("call", "group:all")
	u1.waitState("incoming", setupTimeout)
	rang := time.Now()
	u2.waitState("incoming", setupTimeout)
	rs, err := routeStatus(door)
	if err != nil || rs.Route == nil || rs.Route.Stage != 1 || rs.Route.Stages != 2 || len(rs.Route.Ringing) != 2 {
		t.Errorf("door status while group:up rings: %+v %v, want stage 1 of 2 ringing 2", rs.Route, err)
	}
	if s, _ := u3.status(); s.State != "idle" {
		t.Errorf("u3 is %s in stage 1", s.State)
	}
	u3At := watchState(u3, "incoming", 10*time.Second)
	if u3At.IsZero() {
		t.Fatal("u3 never rang")
	}
	t.Logf("group:up rang %v before u3", u3At.Sub(rang).Round(time.Millisecond))
	if d := u3At.Sub(rang); d < 4*time.Second || d > 6*time.Second {
		t.Errorf("group:up rang %v, want its 5 s ± 1 s", d)
	}
	for _, u := range []*node{u1, u2} {
		if s, _ := u.status(); s.State != "idle" {
			t.Errorf("%s is %s while u3 rings", u.name, s.State)
		}
	}
	request(t, u3, "answer")
	if ds := door.waitState("connected", setupTimeout); !strings.Contains(ds.Peer, u3.sip) {
		t.Errorf("door connected to %q, want u3 %s", ds.Peer, u3.sip)
	}
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
	u3.waitState("idle", setupTimeout)

	// Parallel with a parallel member: the three ring at once; u2 answers.
	door.mustCtl("call", "group:house")
	for _, u := range units {
		u.waitState("incoming", setupTimeout)
	}
	request(t, u2, "answer")
	if ds := door.waitState("connected", setupTimeout); !strings.Contains(ds.Peer, u2.sip) {
		t.Errorf("door connected to %q, want u2 %s", ds.Peer, u2.sip)
	}
	for _, u := range []*node{u1, u3} {
		u.waitState("idle", 2*time.Second)
	}
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
}

// TestGroupNestedThroughKamailio: group:house rings a SKOIP unit and
// group:far, whose one member is bob at a Kamailio proxy; two baresips are
// registered as bob, so the proxy forks the door's INVITE to both, and
// both answer by themselves. The door is connected to one of them; the
// other's 200 (another To tag on the same branch) gets ACK and BYE; the
// SKOIP unit gets a CANCEL with Reason "Call completed elsewhere". On
// loopback, where the proxy is.
func TestGroupNestedThroughKamailio(t *testing.T) {
	needTool(t, "baresip", "baresip-core")
	t.Parallel()
	// baresip's RTP socket is not bound to its address: on loopback its
	// packets leave from 127.0.0.1 (the loopback route's source), which
	// must then be the address of its SDP, so the baresips and the proxy
	// are on 127.0.0.1 and the SKOIP nodes on 127.0.0.2.
	far, near := loDoor, loInside
	k := startKamProxy(t, far.ip, [2]string{"bob", "bobpw"})
	bs1, _ := registeredBaresip(t, "baresip 1", far, k, "bobpw", testdata("inside.wav"))
	bs2, _ := registeredBaresip(t, "baresip 2", far, k, "bobpw", testdata("inside.wav"))
	unit := startNode(t, "hall", near, "", quiet(nil))
	door := startDoor(t, near, nil,
		group{"far", "parallel", []string{"sip:bob@" + k.addr}, "20s"},
		group{"house", "parallel", []string{unit.sip, "group:far"}, "20s"})

	door.mustCtl("call", "group:house")
	door.waitState("connected", setupTimeout)
	if unit.waitState("idle", 5*time.Second); losesWith(unit, 0) != "CANCEL" {
		t.Errorf("the SKOIP unit got no CANCEL with %s", elsewhereText)
	}
	if n := len(sipReceived(unit, "INVITE")); n != 1 {
		t.Errorf("the SKOIP unit received %d INVITE, want 1", n)
	}
	door.waitFor("RTP from bob", 5*time.Second, func(s status) bool { return s.State == "connected" && s.RTPRx > 25 })
	// After 2 s: one call at the door, and one baresip in it.
	time.Sleep(2 * time.Second)
	if s, _ := door.status(); s.State != "connected" {
		t.Fatalf("door %s 2 s after the answers", s.State)
	}
	inCall := 0
	for _, bs := range []*peer{bs1, bs2} {
		out := bs.out.String()
		// baresip 1.0.0 prints "session closed" when the call ends.
		est, term := strings.Count(out, "Call established"), strings.Count(out, "session closed")
		t.Logf("%s: %d established, %d closed", bs.name, est, term)
		if est > term {
			inCall++
		}
	}
	second := strings.Contains(door.logText(), "second answer refused")
	t.Logf("kamailio saw %d INVITE, %d CANCEL, %d BYE; the door refused a second answer: %v",
		k.requests("INVITE"), k.requests("CANCEL"), k.requests("BYE"), second)
	if inCall != 1 {
		t.Errorf("%d baresips in the call, want 1", inCall)
	}
	if second && k.requests("BYE") != 1 {
		t.Errorf("the door refused a second answer, but kamailio relayed %d BYE, want 1", k.requests("BYE"))
	}
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
	for _, bs := range []*peer{bs1, bs2} {
		bs.waitOutput("session closed", 5*time.Second)
	}
}
