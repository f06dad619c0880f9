package audio

import "fmt"

// reopen opens a new stream and makes it current.
func (r *resilient) reopen() error {
	r.mu.Lock()
	r.gen++
	gen := r.gen
	r.mu.Unlock()
	r.last.Store(0)
	s, err := r.open(r.data, func() { r.stopped(gen) })
	if err != nil {
		return err
	}
	_, own := s.(xrunCounter)
	r.ownXruns.Store(own)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur = s
	return nil
}

// stopped is the stream's stop callback: a fault unless it is an old
// stream or we are closing it ourselves.
func (r *resilient) stopped(gen uint64) {
	r.mu.Lock()
	current := gen == r.gen && !r.closed
	r.mu.Unlock()
	if current {
		r.fault(ErrStopped)
	}
}

func (r *resilient) fault(err error) {
	select {
	case r.faults <- err:
	default:
	}
}

// dropCurrent closes the current stream, if any, so that it can no longer
// call back.
func (r *resilient) dropCurrent() {
	r.mu.Lock()
	r.gen++
	s := r.cur
	r.cur = nil
	r.mu.Unlock()
	if s != nil {
		if err := s.Close(); err != nil {
			r.log.Debug("closing failed audio device", "err", err)
		}
		if x, ok := s.(xrunCounter); ok {
			u, o := x.Xruns()
			r.mu.Lock()
			r.baseUnder, r.baseOver = r.baseUnder+u, r.baseOver+o
			r.mu.Unlock()
		}
	}
}

// supervise watches for faults and stalls and recovers from them.
func (r *resilient) supervise() {
	defer close(r.done)
	t := r.clk.NewTimer(watchdogTimeout)
	defer t.Stop()
	seen := r.periods.Load()
	for {
		select {
		case <-r.quit:
			return
		case err := <-r.faults:
			if !r.recover(err) {
				return
			}
		case <-t.C():
			if now := r.periods.Load(); now == seen {
				r.fault(ErrStalled)
			}
		}
		seen = r.periods.Load()
		t.Reset(watchdogTimeout)
	}
}

// recover reports err, drops the stream and reopens with backoff. It
// returns false if the device was closed meanwhile.
func (r *resilient) recover(err error) bool {
	r.nfault.Add(1)
	r.log.Warn("audio device lost; reopening", "err", err)
	r.onHealth(fmt.Errorf("audio device: %w", err))
	r.dropCurrent()
	wait := backoffMin
	for attempt := 1; ; attempt++ {
		t := r.clk.NewTimer(wait)
		select {
		case <-r.quit:
			t.Stop()
			return false
		case <-t.C():
		}
		err := r.reopen()
		if err == nil {
			break
		}
		r.log.Debug("audio device still missing", "attempt", attempt, "err", err)
		wait = min(2*wait, backoffMax)
	}
	select { // a fault of the dropped stream is stale now
	case <-r.faults:
	default:
	}
	r.nreopen.Add(1)
	r.log.Info("audio device back")
	r.onHealth(nil)
	return true
}

// Close stops the supervisor and the stream.
func (r *resilient) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	close(r.quit)
	<-r.done
	_ = r.Stop() // never fails: it only removes the consumer
	r.dropCurrent()
	return nil
}
