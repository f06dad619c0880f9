// Package aec cancels the loudspeaker's echo in the microphone signal of
// the door unit and suppresses stationary noise, before the capture path's
// own AGC.
//
// A Processor takes the samples sent to the loudspeaker (Playback, the
// reference) and the microphone's samples (Capture, processed in place),
// both mono int16 at 8 or 16 kHz, from the audio device's goroutine. Each
// 10 ms frame goes through these stages:
//
//  1. Reference bookkeeping: the loudspeaker history (MaxDelay + Tail + 1.3 s)
//     is indexed by sample count. A reference more than 50 ms late is padded
//     with silence and the filter restarts; one more than 300 ms ahead of
//     the microphone resyncs everything.
//  2. Bulk delay estimation: the amplitude envelopes of both signals in 2 ms
//     blocks (low-passed to remove pitch, high-passed at ~16 ms) are
//     cross-correlated over lags 0..MaxDelay with a memory of 0.8 s, only
//     while the far end has sounded within the lag range. A peak counts
//     when its normalised correlation is at least 0.3 and 1.2 times the
//     best lag more than 20 ms away; the first lock needs 2 agreeing
//     decisions 50 ms apart (it comes 0.1-0.5 s into the far end's speech),
//     a move needs 4.
//  3. Alignment: the canceller's reference is delayed by the estimate less
//     10 ms, so its filter (Tail, default 200 ms) holds only the room's
//     response. A move of more than 12 ms re-aligns at once and restarts
//     the filter; smaller moves (clock drift) step one sample every 100 ms.
//  4. Echo cancellation and suppression (engine "speex", speexdsp 1.2
//     linked statically): the MDF adaptive filter, then the preprocessor's
//     residual echo suppressor (60 dB with the far end alone, 25 dB while
//     the near end talks too) and its noise suppressor (NoiseSuppress dB;
//     AGC, VAD and dereverb off).
//  5. Comfort noise: a minimum-following noise floor of the microphone
//     (1 dB/s rise) lowered by NoiseSuppress gives the level below which a
//     frame is topped up with flat (white) seeded noise, so that deep
//     suppression does not leave digital silence in a noisy street.
//
// Capture lengths that are multiples of 10 ms add no delay; other lengths
// pass through a FIFO that adds 10 ms less one sample. Capture and Playback
// allocate nothing. Stats is safe from any goroutine.
//
// The engine "webrtc" (webrtc-audio-processing 0.3, C++) exists only in
// builds tagged webrtc, for comparison. Without cgo New fails with
// ErrUnavailable.
package aec
