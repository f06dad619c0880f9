// Package media carries a call's audio: RTP/RTCP sessions, codecs, the playout
// (jitter) buffer, VAD and small DSP pieces, WAV prompts and RFC 4733 DTMF.
//
// It sees the sound card only through AudioDevice, the subset of
// hw/audio.Device that it uses (hw/audio opens the real device; tests use its
// fake, hw/hwtest.Audio), and knows nothing of SIP: phone hands it negotiated
// Params. media does not import hw: cmd/skoip passes the device in.
package media
