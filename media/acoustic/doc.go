// Package acoustic measures the door unit's own speaker and microphone:
// the unit plays a known test signal (Signal) through its speaker while
// it records its microphone, and Analyze measures the recording. Both
// sides are 8000 Hz mono int16, the recording starts at the same sample
// as the playback and runs longer (the playback plus up to 500 ms). The
// package uses the standard library only.
//
// # The signal
//
// Signal is 2.5 s (20000 samples):
//
//   - 0.5 s of digital silence (samples 0..3999): the microphone's noise,
//     hum and offset are measured here, before anything is played;
//   - 1.5 s of exponential (logarithmic) sine sweep (samples
//     4000..15999), from 100 Hz to 3800 Hz,
//     x(t) = A sin(2 pi 100 L (e^(t/L) - 1)), L = 1.5 s / ln(38), with a
//     peak A of -12 dBFS (8231; its RMS is about -15 dBFS) and 10 ms
//     (80-sample) raised-cosine fades in and out;
//   - 0.5 s of silence: the tail, so that the sweep's echo, delayed by the
//     round trip and spread by the room, is recorded whole.
//
// An exponential sweep rather than an MLS: its spectrum covers exactly the
// telephone band, it has a low crest factor (3 dB), it is robust to the
// small clock and timing jitter of a sound card (an MLS is not), and its
// deconvolution gives the impulse response with the speaker's harmonic
// distortion pushed to negative lags (before the linear response), out of
// the way of the delay and of the frequency response. -12 dBFS leaves
// room for a loud speaker and a sensitive microphone before clipping, and
// is loud enough to stand 40 dB and more over a quiet door's noise.
//
// # The measures
//
// Levels are RMS relative to full scale (32768; a full-scale square wave
// is 0 dBFS); levels and ratios are floored at -100 dB and capped at
// +100 dB, so every field of Result is finite and its JSON is valid.
//
//   - dc_offset: the mean of the whole recording over 32768.
//   - noise_floor_dbfs: the RMS of the recording during the played signal's
//     leading silence, its mean removed (hum included).
//   - hum_db, hum_hz: from a Hann-windowed spectrum of that same window,
//     the power within +/-5 Hz (or the window's main lobe, if wider) of
//     50 and 100 Hz, and of 60 and 120 Hz; the stronger family, in dB
//     over the power of everything else in the window. hum_hz is 50 or 60
//     when the hum is a problem (below), otherwise 0.
//   - the impulse response: h = IFFT(R P* / (|P|^2 + e)), where P and R
//     are the spectra of the played signal and of the recording (mean
//     removed) over an FFT longer than both together, and e is 30 dB under
//     the peak of |P|^2 (a regularisation: frequencies the signal does not
//     contain contribute nothing). This is a whitened cross-correlation:
//     for the sweep, a deconvolution.
//   - delay_ms: the lag of the largest |h| in 0..1 s, refined by a
//     parabola through it and its neighbours: the acoustic round trip,
//     sound card latency plus the path from the speaker to the
//     microphone.
//   - coupling_db: the energy of the recording over the span of the played
//     signal (from its first to its last non-zero sample) shifted by the
//     delay, less the noise floor's share, over the energy played in that
//     span: how loud the microphone hears the speaker relative to what was
//     played; reverberation is included, as the echo canceller sees it.
//     -20 means the microphone hears the speaker 20 dB under the signal.
//   - bands: the frequency response from h taken from 8 ms before its peak
//     to 128 ms after it (raised-cosine edges of 4 ms and 32 ms), as the
//     mean power over the FFT bins of each band: the octaves around 125,
//     250, 500, 1000 and 2000 Hz (f/sqrt2 .. f*sqrt2) and the rest of the
//     band, 2828..3800 Hz, labelled 3000; each cut to the range the played
//     signal covers (where |P|^2 is within 30 dB of its peak: for Signal
//     the 125 Hz band is 100..177 Hz). In dB relative to the 1 kHz band.
//     Present only when the speaker is heard.
//   - clip_fraction: the fraction of recorded samples with |x| >= 32000
//     over the span of the played signal shifted by the delay (by 0 when
//     the speaker is not heard).
//   - snr_voice_db: VoiceDBFS (-26 dBFS) minus noise_floor_dbfs. The
//     assumption, plainly: a visitor speaking at 50 cm from the door
//     (about 60 dB SPL) reaches the microphone at -26 dBFS RMS, the
//     nominal speech level of a telephone microphone chain (ITU-T P.56
//     active speech at -26 dBov). The unit has no calibrated SPL reference,
//     so this is a nominal figure: the coupling is not used to scale it,
//     because it depends on the speaker's volume as much as on the
//     microphone's sensitivity.
//
// # The checks
//
// Analyze lists a Problem for each failed check; the thresholds are the
// exported constants.
//
//   - microphone: the recording is constant (every sample equal, e.g. all
//     zeros) or its RMS is under MicMinDBFS (-90 dBFS: a 16-bit converter's
//     own noise is about -101 dBFS, any live microphone and preamplifier
//     sit well above -90). The other checks are then skipped: nothing of
//     them could be measured.
//   - speaker: the sweep is not found: the peak of |h| is under
//     SpeakerMinPeakRatio (20) times the median |h| over 0..1 s, or the
//     coupling is under SpeakerMinCouplingDB (-60 dB). On noise alone the
//     ratio is 5 to 7 (the largest of 8000 noise values over their
//     median); with the sweep 20 dB down in -60 dBFS noise it is about
//     1700, and it reaches 20 near -60 dB of coupling, where a speaker
//     would be useless anyway. Delay and bands are then not reported (0,
//     empty), and the delay check is skipped.
//   - clipping: clip_fraction over ClipMaxFraction (0.1 %): a few clipped
//     peaks are harmless, more mean the speaker is too loud for the
//     microphone or the microphone gain too high, and the echo canceller,
//     which models a linear path, fails on them.
//   - dc_offset: |dc_offset| over DCMaxOffset (0.02, 2 % of full scale,
//     about -34 dBFS): a healthy converter and bias sit well under 0.5 %;
//     2 % eats headroom and points at a faulty bias or ADC.
//   - hum: hum_db over HumMaxDB (10 dB: the mains lines dominate the
//     noise, an audible buzz), provided the hum is louder than HumMinDBFS
//     (-65 dBFS: 40 dB under a voice, inaudible below that even if it is
//     the largest part of a very quiet floor).
//   - noise: noise_floor_dbfs over NoiseMaxDBFS (-40 dBFS): a voice at
//     -26 dBFS would have less than 14 dB of SNR, poor intelligibility,
//     and the noise gate and voice activity detector could not tell
//     speech from noise.
//   - delay: delay_ms over DelayMaxMS (250 ms): longer than the echo
//     canceller's filter, its echo would not be cancelled.
//
// # Input
//
// Analyze takes any played signal, not only Signal's, that starts with at
// least 250 ms (MinLeadSamples) of silence, the noise window; it refuses
// (with an error) empty input, a recording shorter than the played signal
// or longer than 30 s, and a played signal that is all zeros or has no
// such leading silence. For 30 s of input it takes a few FFTs of 2^19
// points and about 40 MB; it never panics.
//
// # Accuracy
//
// In a simulated door (the signal delayed, scaled, with a 50 ms
// reverberation tail 10 dB under the direct sound and white noise at
// -60 dBFS), the delay is found within 0.01 ms at 5, 37.5 and 120 ms,
// the coupling within 0.5 dB of the direct path's gain (the tail adds
// 0.4 dB), the bands within 0.5 dB of the simulated response, and a
// -30 dBFS hum reads about 29 dB over the noise.
package acoustic
