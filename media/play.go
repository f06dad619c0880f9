package media

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// playing is one prompt being mixed into the audio path.
type playing struct {
	remote, local *PromptReader // nil for a side not aimed at
	done          chan struct{}
	once          sync.Once
	played        atomic.Bool // ended by running out, not by Engine.Close
}

// ended says whether every side has run out (device goroutine only).
func (p *playing) ended() bool {
	return (p.remote == nil || p.remote.Done()) && (p.local == nil || p.local.Done())
}

// finish ends the prompt; played says it ran to its end.
func (p *playing) finish(played bool) {
	p.once.Do(func() {
		p.played.Store(played)
		close(p.done)
	})
}

// Play mixes p into the call (ToRemote), the speaker (ToLocal) or both, and
// returns when it has been played (nil), when ctx ends (ctx.Err(); the
// prompt stops at once) or when the engine closes (ErrClosed). A prompt
// at another rate than the engine's (Engine.Rate) is resampled once, by
// Prompt.At: load prompts at Engine.Rate to avoid it.
func (e *Engine) Play(ctx context.Context, p *Prompt, to Target) error {
	p, err := p.At(e.cfg.Rate)
	if err != nil {
		return fmt.Errorf("media.Play: %w: %w", ErrPromptRate, err)
	}
	if to < ToRemote || to > ToBoth {
		return ErrBadTarget
	}
	pl := &playing{done: make(chan struct{})}
	if to != ToLocal {
		pl.remote = p.NewReader()
	}
	if to != ToRemote {
		pl.local = p.NewReader()
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return ErrClosed
	}
	e.prompts = append(e.prompts, pl)
	e.mu.Unlock()
	defer e.removePrompt(pl)
	if e.promptAdded != nil {
		e.promptAdded()
	}
	select {
	case <-pl.done:
		if !pl.played.Load() {
			return ErrClosed
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) removePrompt(pl *playing) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, q := range e.prompts {
		if q == pl {
			e.prompts = append(e.prompts[:i], e.prompts[i+1:]...)
			return
		}
	}
}

// mixPrompts adds the prompts aimed at side into frame.
func mixPrompts(ps []*playing, frame []int16, side Target) {
	for _, p := range ps {
		if r := p.reader(side); r != nil {
			r.MixFrame(frame, 1)
		}
	}
}

func (p *playing) reader(side Target) *PromptReader {
	if side == ToRemote {
		return p.remote
	}
	return p.local
}

// promptsFor says whether a prompt is being sent to side (it must be sent
// even if the VAD hears silence).
func promptsFor(ps []*playing, side Target) bool {
	for _, p := range ps {
		if r := p.reader(side); r != nil && !r.Done() {
			return true
		}
	}
	return false
}

// reapPrompts signals the prompts that ran out.
func (e *Engine) reapPrompts(ps []*playing) {
	for _, p := range ps {
		if p.ended() {
			p.finish(true)
		}
	}
}
