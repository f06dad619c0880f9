package aec

// engine is one canceller implementation working on 10 ms frames.
type engine interface {
	// process cancels the echo of ref (aligned by the caller) in mic and
	// suppresses noise, writing the result to out. All three hold one
	// frame; out may alias mic.
	process(mic, ref, out []int16)
	// reset forgets the echo path and the noise estimate.
	reset()
	// close frees the engine's memory; it is called once.
	close()
}

// engineParams is what an engine is built from.
type engineParams struct {
	rate, frame, tail int // Hz, samples per 10 ms, filter length in samples
	echo              bool
	noiseDB           int // 0 = off
	sup, supActive    int // residual echo suppression, dB: far end alone, double talk
}

// newEngine builds the engine named by cfg.Engine.
func newEngine(name string, ep engineParams) (engine, error) {
	if name == EngineWebRTC {
		return newWebRTC(ep)
	}
	return newSpeex(ep)
}
