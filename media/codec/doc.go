// Package codec holds the audio payload formats SKOIP can put in RTP:
// G.711 µ-law (PCMU) and A-law (PCMA), bit-exact with the ITU-T G.191
// reference implementation of G.711, 16-bit linear PCM (L16), G.722, and
// Opus where the build has cgo.
//
// G.722 (G722) is ITU-T G.722 at 64 kbit/s, in pure Go: wideband audio
// (16 kHz samples, 50-7000 Hz) split into two sub-bands and coded by
// ADPCM, one byte per two samples. Its RTP clock is 8000 Hz although its
// samples run at 16000 Hz (RFC 3551), so ClockRate and SampleRate differ.
// It is bit-exact with FFmpeg's G.722 encoder (without trellis search)
// and decoder, which the tests check against committed vectors and, where
// ffmpeg is installed, live. Unlike G.711 it keeps state: an instance
// belongs to one stream, its encoder and decoder states are separate, and
// encode plus decode delay the audio by 22 samples (1.375 ms).
//
// Opus (opus) is libopus 1.3 through cgo, linked statically from Debian's
// libopus-dev (BSD-licensed); a cgo-free build has no Opus (OpusAvailable
// is false, ByName("opus") fails). Its RTP clock is 48000 Hz whatever the
// audio (RFC 7587); SKOIP codes mono speech at 16 kHz (wideband) in
// libopus's VOIP mode, at DefaultOpusBitrate and DefaultOpusComplexity
// unless Options say otherwise, with in-band FEC planned for
// Options.PacketLoss and, with Options.DTX, discontinuous transmission
// (silence as 1-byte packets). The peer's fmtp (ParseOpusFMTP) narrows the
// band, caps the bitrate, and may ask for DTX, CBR or no FEC;
// OpusLocalFMTP is what SKOIP offers. Opus is a Concealer: Conceal is
// libopus's loss concealment, DecodeFEC recovers a lost packet from the
// FEC in the next one. Encoding and decoding delay the audio by 6.5 ms
// (104 samples, the encoder's lookahead). An instance holds C memory:
// Close frees it.
//
// Every Codec works on mono int16 samples at its SampleRate and appends
// to the slice it is given, so that a caller that reuses its buffers
// encodes and decodes without allocating. A Registry maps SDP encoding
// names to constructors, so that further codecs join without changing
// callers.
package codec
