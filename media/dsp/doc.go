// Package dsp holds the small signal-processing pieces of the audio path:
// a polyphase windowed-sinc resampler between the device rate and the codec
// rate, a high-pass (DC blocking) filter, an AGC with a limiter, a noise
// gate, a voice activity detector with an adaptive noise floor, and a
// saturating mixer.
//
// All of them work on mono int16 frames, keep their state across calls
// (one instance per stream and direction) and allocate nothing per frame.
// None is safe for concurrent use; the audio path owns each instance.
package dsp
