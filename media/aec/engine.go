package aec

// engine is one canceller implementation working on 10 ms frames.
type engine interface {
	// cancel removes the echo of ref (aligned by the caller) from mic
	// into lin. All hold one frame and do not alias.
	cancel(mic, ref, lin []int16)
	// linear reports whether lin is an adaptive filter's output, which
	// the residual echo suppressor is to follow; when false, cancel's
	// output is final (webrtc suppresses its own residual).
	linear() bool
	// denoise suppresses stationary noise in place.
	denoise(frame []int16)
	// reset forgets the echo path.
	reset()
	// close frees the engine's memory; it is called once.
	close()
}

// engineParams is what an engine is built from.
type engineParams struct {
	rate, frame, tail int // Hz, samples per 10 ms, filter length in samples
	echo              bool
	noiseDB           int // 0 = off
}

// newEngine builds the engine named by cfg.Engine.
func newEngine(name string, ep engineParams) (engine, error) {
	if name == EngineWebRTC {
		return newWebRTC(ep)
	}
	return newSpeex(ep)
}
