// Package media carries a call's audio: RTP/RTCP sessions, codecs, the playout
// (jitter) buffer, VAD and small DSP pieces, WAV prompts and RFC 4733 DTMF.
//
// It sees the sound card only through AudioDevice, the subset of
// hw/audio.Device that it uses (hw/audio opens the real device; tests use its
// fake, hw/hwtest.Audio), and knows nothing of SIP: phone hands it negotiated
// Params. media does not import hw: cmd/skoip passes the device in.
//
// The engine mixes, cleans and codes at one rate, Config.Rate: 8000 Hz
// (narrowband) or 16000 Hz (wideband, for G.722 and Opus). Each call's
// codec instance belongs to its Stream; when the codec's own rate differs
// from the engine's (G.711 on a 16 kHz engine) it is resampled at the
// codec, once each way. RTP timestamps count the codec's clock (8000 Hz
// for G.711 and G.722, 48000 Hz for Opus), and the playout buffer decodes
// packets in stream order as they are played, so that the stateful
// decoders and Opus's loss concealment and FEC see the stream in order.
// Prompts at another rate are converted once (Prompt.At); Probe and Tap
// keep 8 kHz whatever the engine's rate.
package media
