// Package stoi measures speech intelligibility with the Short-Time
// Objective Intelligibility index (STOI) of Taal, Hendriks, Heusdens and
// Jensen (IEEE Trans. Audio, Speech and Language Processing, 2011),
// written from the paper's description.
//
// STOI compares a degraded signal with its clean original: both are
// resampled to 10 kHz, the frames where the clean signal is silent
// (40 dB under its loudest frame) are dropped from both, and the
// envelopes of 15 one-third-octave bands (150 Hz to 4.3 kHz) are
// correlated over segments of 384 ms after the degraded segment has been
// scaled to the clean segment's energy and clipped at a signal-to-
// distortion ratio of -15 dB. The index is the mean correlation: 1 for an
// identical signal, about 0.9 or more for speech that is easy to follow,
// under 0.7 for speech that is hard work. A constant gain does not change
// it; gain that moves within a segment, clipping and noise do.
//
// Align finds the lag between a signal and a delayed copy of it, so that a
// test can line up what came back through a delayed path before scoring
// it. This is test support: only tests import it; being under internal/,
// nothing outside this module can.
package stoi
