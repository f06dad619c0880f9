// Package codec holds the audio payload formats SKOIP can put in RTP:
// G.711 µ-law (PCMU) and A-law (PCMA), bit-exact with the ITU-T G.191
// reference implementation of G.711, and 16-bit linear PCM (L16).
//
// Every Codec works on mono int16 samples at its ClockRate and appends to
// the slice it is given, so that a caller that reuses its buffers encodes
// and decodes without allocating. A Registry maps SDP encoding names to
// constructors, so that G.722 or Opus can join later without changing
// callers.
package codec
