package impair

import "math/rand/v2"

// GilbertElliott is bursty loss: a two-state Markov chain, good and bad,
// stepped once per packet of a direction, that loses a packet with
// probability LossGood in the good state and LossBad in the bad one. Each
// direction has its own chain and its own random numbers (from the
// relay's Seed and the direction), so the packets one direction loses do
// not depend on the other's traffic: two calls through relays of the same
// seed lose the same packets of the direction measured, whatever the
// other direction sends. With P = 0 it is independent loss of LossGood in
// that form. A packet first moves the chain (good to bad
// with probability P, bad to good with R), then is lost or not in the
// state reached. The zero value loses nothing. BurstLoss makes the common
// case, Gilbert's model: every packet lost in the bad state, none in the
// good one.
type GilbertElliott struct {
	P, R              float64 // transition probabilities good -> bad and bad -> good
	LossGood, LossBad float64
}

// BurstLoss is Gilbert's model losing the fraction loss of packets in
// bursts of meanBurst packets on average (>= 1; burst lengths are
// geometric): R = 1/meanBurst, P = loss*R/(1-loss), LossBad = 1. For
// instance BurstLoss(0.05, 3) loses 5% in bursts of 3 on average, where
// Config.Loss = 0.05 loses mostly single packets (mean run 1.05).
func BurstLoss(loss, meanBurst float64) GilbertElliott {
	if loss <= 0 {
		return GilbertElliott{}
	}
	loss = min(loss, 0.99)
	r := 1 / max(meanBurst, 1)
	return GilbertElliott{P: min(1, loss*r/(1-loss)), R: r, LossBad: 1}
}

// on reports whether the model can lose anything.
func (g GilbertElliott) on() bool { return g.LossGood > 0 || g.P > 0 && g.LossBad > 0 }

// Loss is the long-run fraction of packets the model loses.
func (g GilbertElliott) Loss() float64 {
	if g.P+g.R == 0 {
		return g.LossGood
	}
	bad := g.P / (g.P + g.R)
	return bad*g.LossBad + (1-bad)*g.LossGood
}

// geState is one direction's chain: its state and its random numbers.
type geState struct {
	bad bool
	rng *rand.Rand
}

func newGEState(seed uint64, dir int) geState {
	return geState{rng: rand.New(rand.NewPCG(seed, 0x6e11077+uint64(dir)))}
}

// drop steps the chain for one packet and says whether it is lost.
func (s *geState) drop(g GilbertElliott) bool {
	if s.bad {
		s.bad = s.rng.Float64() >= g.R
	} else {
		s.bad = s.rng.Float64() < g.P
	}
	if s.bad {
		return s.rng.Float64() < g.LossBad
	}
	return s.rng.Float64() < g.LossGood
}
