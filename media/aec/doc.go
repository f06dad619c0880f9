// Package aec cancels the loudspeaker's echo in the microphone signal of
// the door unit and suppresses stationary noise, before the capture path's
// own AGC.
//
// A Processor takes the samples sent to the loudspeaker (Playback, the
// reference) and the microphone's samples (Capture, processed in place),
// both mono int16 at 8 or 16 kHz, from the audio device's goroutine. Each
// 10 ms frame goes through these stages:
//
//  1. Reference bookkeeping: the loudspeaker history (MaxDelay + Tail +
//     1.3 s) is indexed by sample count. A reference more than 50 ms late
//     is padded with silence and the filter restarts; one more than 300 ms
//     ahead of the microphone resyncs everything.
//  2. Bulk delay estimation: the amplitude envelopes of both signals in
//     2 ms blocks (low-passed to remove pitch, high-passed at ~16 ms) are
//     cross-correlated over lags 0..MaxDelay with a memory of 0.8 s, only
//     while the far end has sounded within the lag range. A peak counts
//     when its normalised correlation is at least 0.3 and 1.2 times the
//     best lag more than 20 ms away; the first lock needs 2 agreeing
//     decisions 50 ms apart (0.1-0.5 s into the far end's speech), a move
//     needs 4 and must beat the locked lag's correlation by 1.2.
//  3. Alignment: the filter's reference is delayed by the estimate less
//     10 ms, so that the filter (Tail, default 150 ms) holds the room's
//     response rather than the bulk delay. While the echo's start stays
//     within the filter's first 40 ms nothing moves; otherwise the
//     reference is re-aligned and the filter restarts.
//  4. Clock drift: every 0.5 s the position of the filter's largest tap is
//     measured; a proportional-integral loop steers the rate at which the
//     reference is read (windowed-sinc interpolation, 16 taps, 256 phases)
//     so that the echo stays still in the filter. At ±200 ppm the
//     attenuation stays at 25-54 dB per 10 s over a minute (22 dB without).
//  5. Echo cancellation (engine "speex": speexdsp 1.2's MDF adaptive
//     filter, linked statically). Its DC notch high-passes the microphone
//     (-10 dB at 100 Hz, -2.4 dB at 200 Hz, -0.1 dB at 1 kHz); so when the
//     reference has been silent for longer than the filter (no echo can be
//     left), the microphone is passed on instead of the filter's output.
//  6. Residual echo suppression (Go, see suppressor): in 125 Hz bands of a
//     20 ms STFT, the residual is modelled from the filter's echo estimate
//     and from the reference's spectrum, with levels learnt while the near
//     end is silent; bands are attenuated down to -40 dB, gently where the
//     near end talks. Double talk is told by coherence: the share of the
//     microphone's power that is coherent with the echo estimate (smoothed
//     over ~65 ms) drops when the near end speaks. It brings 50 dB of attenuation within 0.5 s of the far
//     end's first speech, before the filter converges. A clipping
//     microphone while the far end talks mutes three frames. It delays the
//     signal by 10 ms.
//  7. Noise suppression: speexdsp's preprocessor with NoiseSuppress dB of
//     attenuation (AGC, VAD, dereverb off). It delays the signal by 10 ms.
//  8. Comfort noise: a minimum-following noise floor of the microphone
//     (1 dB/s rise) lowered by NoiseSuppress gives the level below which a
//     frame is topped up with flat (white) seeded noise, so that deep
//     suppression does not leave digital silence in a noisy street.
//
// With echo cancellation and noise suppression the output is 20 ms late.
// Capture lengths that are multiples of 10 ms add no buffering delay;
// other lengths pass through a FIFO that adds 10 ms less one sample.
// Capture and Playback allocate nothing; a 20 ms period costs 150-180 µs
// at 8 kHz and 250-280 µs at 16 kHz on the development machine
// (BenchmarkCapture). Stats is safe from any goroutine.
//
// Measured in media/room's rooms (TestTargets: the echo's direct path as
// loud as the far end, delays 40-150 ms, T60 0.3-0.8 s, 8 and 16 kHz,
// NoiseSuppress 18; medians of 4 rooms): TCL 51 dB after convergence
// (29-54), 53 dB in the second second of far-end speech, 60 dB one second
// after the echo path changed (25-75); a near-end talker 3-4 dB under the
// echo keeps -3.0 dB of its level and STOI 0.82 (0.999 without echo); in
// pink noise at 5 dB SNR the SNR improves by 10.4 dB and the STOI by
// 0.015-0.021. The reverberant room (T60 0.8 s) is the weak one: its tail
// outlasts the filter and is taken for double talk at times. Without a far
// end the microphone passes untouched (its STOI 0.9996-0.9999).
//
// The engine "webrtc" (webrtc-audio-processing 0.3, C++, with its own
// residual suppression and noise suppressor) exists only in builds tagged
// webrtc, for comparison. Without cgo New fails with ErrUnavailable.
package aec
