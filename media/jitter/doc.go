// Package jitter is the playout (jitter) buffer between the network and the
// sound card.
//
// Packets are kept in timestamp order and the audio device pulls samples at
// its own pace. Stateless codecs (G.711) are decoded as packets arrive;
// with Config.Samples a packet keeps its payload and is decoded when
// playout reaches it, so that a stateful decoder (G.722, Opus) sees the
// stream in order, and a gap is filled by the codec's own concealment in
// that order too: from the in-band FEC of the packet after it (Opus) when
// that packet is already there, else by the codec's PLC. Positions are
// samples: RTP timestamps are scaled by Config.TSNum/TSDen (G.722 counts
// 8000 Hz for 16 kHz audio, Opus 48000 Hz). The buffer
//   - starts playing once it holds a start level (at least Config.Min),
//   - puts reordered packets back in order, drops duplicates and packets that
//     arrive after their samples were played (late),
//   - conceals a lost packet by the codec's concealment or, for codecs
//     without one, by repeating the last frame with a fade, then silence,
//   - on an underrun (nothing to play) conceals without advancing the
//     playout point, so the delay grows by exactly what the late packet
//     needed,
//   - watches the headroom it keeps (how much earlier than needed samples
//     were there, minimum over a two-second window) and shortens or
//     stretches the signal by at most 1/32 (a small varispeed) to keep that
//     headroom near a safety margin: this adapts the delay down after a
//     jitter spike and compensates clock drift between sender and device, so
//     delay never grows in a long call. Config.Max is a hard cap.
//
// Headroom is counted per device period: reads made at the same instant
// (one period read in several pieces) are one pull, and adjustments are
// whole periods, since a shift smaller than a period only moves where a
// packet falls within it. Shortening stops at the mean level that a start
// at Config.Min gives (Min less half of a packet, plus half of a read), so
// an underrun's wait is given back entirely once the network is clean.
//
// Read reports how many of the samples it returned came from packets, so
// that a caller can put comfort noise (RFC 3389) in place of the rest.
package jitter
