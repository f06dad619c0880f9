// Package room simulates the room of a door box: what its microphone
// captures, given what its loudspeaker played. The capture is the sum of
// three parts, each available on its own (StepParts) for measuring an
// echo canceller:
//
//	capture = echo + near-end talker + noise
//
// Units: samples are int16 full scale; the parts are float32 in the same
// units (before the capture's rounding and saturation). 0 dBFS is the RMS
// of a full-scale square wave (32768), so a full-scale sine is -3 dBFS.
//
// # Echo
//
// What was played goes through, in order:
//
//  1. the loudspeaker: linear when Clip is 0, else the soft clipper
//     tanh(Clip·x)/Clip on x in full-scale units: unity gain for quiet
//     sounds (the echo's linear part keeps EchoGainDB), and a ceiling of
//     1/Clip of full scale (Clip 4: -12 dB);
//  2. the bulk delay (Delay, the buffering of the sound card), a delay
//     line read on the capture clock: with DriftPPM ε·1e6 the capture
//     runs 1+ε times as fast as the playback, so a tone of f Hz comes
//     back at f/(1+ε) and the delay grows by ε/(1+ε) per sample, read
//     with cubic Lagrange interpolation. When the delay has slipped by
//     20 ms it jumps back by 20 ms, as a real driver resynchronises after
//     an xrun; it never falls below 2 samples;
//  3. the room: its impulse response, by the image method of Allen and
//     Berkley, convolved by uniformly partitioned overlap-save FFT
//     convolution (first block direct, so no latency is added).
//
// The room is a shoebox porch of nominally 3 m (x, along the door wall)
// by 2.5 m (y, out from it) by 2.5 m (z, height), each side scaled by a
// seeded factor of 0.9 to 1.1. The door box is on the wall y = 0, its
// front panel 4 cm out; the microphone is 0.6 m or more from the side
// walls at 1.3 to 1.6 m height, and the loudspeaker 5 to 8 cm from it in
// a random direction on the panel (all drawn from Seed). All six walls
// have the same reflection coefficient, chosen so that the response's
// Schroeder decay (fitted from -5 to -25 dB) gives T60: Eyring's formula
// corrected for the directions that meet fewer walls (see
// geometry.reflection); measured T60s come out 3% to 11% long.
// Images within 50 ms of the direct path are placed at their fractional
// delays by a Blackman-windowed sinc of 16 taps, later ones by a 4-tap
// cubic Lagrange kernel. The reflections are high-passed at 100 Hz (the
// all-positive images otherwise sum to a slow offset). The response ends
// T60 after the direct path (60 dB down), at most 800 ms after it, and is
// scaled so that the direct path (1/r spreading) has gain EchoGainDB. At
// 8 kHz the direct path and its reflection off the door wall overlap. A
// Delay under 8 samples cuts the leading taps of the direct path's sinc
// (the gain then ripples by up to 1 dB).
//
// At ChangeAt the echo path changes: the box is placed elsewhere in the
// same room (a new position and loudspeaker offset), ChangeGainDB louder,
// crossfaded over 5 ms. The new response is fed from its length before
// ChangeAt, so the switch is exact.
//
// # Talker and noise
//
// The near-end talker is Talker times TalkerGainDB, once or looped. The
// noise is generated (white; pink by Voss-McCartney; babble: six voices of
// speech-shaped noise with syllable-rate envelopes; traffic: brown-ish
// noise with the swells of cars passing every 4 s on average) or a
// recording (NoiseSamples), looped. Its level is SNR dB below the
// talker's active level, or below -26 dBFS when there is no talker. The
// active level is a simplified ITU-T P.56: the RMS over the 20 ms frames
// whose RMS is within 15.9 dB of that level. The noise's own level is the
// RMS of the recording, or of the first 10 s of the generator's output.
//
// Everything random is drawn from Seed: the same Config gives the same
// capture, sample for sample.
//
// # Cost
//
// New computes the responses and measures the noise: about 0.1 s for a
// T60 of 0.3 s, 0.5 s for 0.8 s with a path change (two responses; the
// late images, about 4.6 million of them, dominate), on an x86-64 server.
// A Step allocates nothing. A 10 ms period with drift, clipping, babble
// and a talker took, on one core of a busy 2-core x86-64
// server: 0.02 to 0.05 ms at 8 kHz, 0.06 to 0.1 ms at 16 kHz, 0.25 ms
// (T60 0.3 s) to 0.3-0.5 ms (T60 0.8 s) at 48 kHz (BenchmarkStep), half
// of it in the frequency-domain multiply-adds of the convolution.
package room
