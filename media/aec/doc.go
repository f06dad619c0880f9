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
//     within the filter's first 40 ms nothing moves (clock drift of 200 ppm
//     moves it 12 ms a minute and the filter follows); otherwise the
//     reference is re-aligned and the filter restarts.
//  4. Echo cancellation (engine "speex": speexdsp 1.2's MDF adaptive
//     filter, linked statically). Its DC notch high-passes the microphone
//     (-10 dB at 100 Hz, -2.4 dB at 200 Hz, -0.1 dB at 1 kHz).
//  5. Residual echo suppression (Go): in 125 Hz bands of a 20 ms STFT, the
//     residual is modelled from the filter's echo estimate and from the
//     reference's spectrum, with levels learnt while the near end is
//     silent; bands are attenuated down to -40 dB, gently in double talk.
//     It brings 30 dB of attenuation within 0.5 s of the far end's first
//     speech, before the filter converges. It delays the signal by 10 ms.
//  6. Noise suppression: speexdsp's preprocessor with NoiseSuppress dB of
//     attenuation (AGC, VAD, dereverb off). It delays the signal by 10 ms.
//  7. Comfort noise: a minimum-following noise floor of the microphone
//     (1 dB/s rise) lowered by NoiseSuppress gives the level below which a
//     frame is topped up with flat (white) seeded noise, so that deep
//     suppression does not leave digital silence in a noisy street.
//
// Measured on this package's synthetic rooms at 8 kHz (echo as loud as the
// far end, T60 0.3-0.5 s, bulk delays 10-150 ms): TCL 35-45 dB after 3 s,
// 30 dB from 0.5 s; near end in double talk at the echo's level -3.3 dB;
// +12.6 dB SNR (8 kHz) and +13.6 dB (16 kHz) on white noise at 5 dB SNR
// with NoiseSuppress 15. CPU per 20 ms period: see BenchmarkCapture.
//
// Capture lengths that are multiples of 10 ms add no buffering delay;
// other lengths pass through a FIFO that adds 10 ms less one sample.
// Capture and Playback allocate nothing. Stats is safe from any goroutine.
//
// The engine "webrtc" (webrtc-audio-processing 0.3, C++, its own residual
// suppression and noise suppressor) exists only in builds tagged webrtc,
// for comparison. Without cgo New fails with ErrUnavailable.
package aec
