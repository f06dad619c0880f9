// Package speechq measures how much a speech path changed a signal, by
// comparing what came out (degraded) with what went in (clean): segmental
// SNR, log-spectral distance and the energy in a frequency band. It
// complements internal/testsupport/stoi (intelligibility): STOI looks at
// band envelopes up to 4.3 kHz and ignores a constant gain, while these
// measures see the waveform (SegSNR) and the whole spectrum (LSD,
// BandEnergyDB), so that a wideband codec keeping 3.4-7 kHz scores better
// than a narrowband one.
//
// The comparison needs the two signals lined up. Align finds the delay of
// degraded against clean by cross-correlating the signals themselves (not
// their envelopes), so it is exact to the sample for a waveform-preserving
// path; Piecewise then lines up segment by segment a recording whose delay
// moved (a playout buffer that grew or shrank). SegSNR and LSD do not
// align: they compare clean[i] with degraded[i], and the caller aligns
// first (as stoi.STOI's callers do).
//
// All functions take samples as float64 (any scale) at one sample rate
// for both signals. Frames where the clean signal is silent (more than
// 40 dB under its loudest frame) are left out of SegSNR and LSD, as STOI
// leaves them out, so that the pauses of speech do not weigh in.
//
// This is test support: only tests import it; being under internal/,
// nothing outside this module can. It uses the standard library only.
package speechq
