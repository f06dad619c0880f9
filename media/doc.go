// Package media carries a call's audio: RTP/RTCP sessions, codecs, the playout
// (jitter) buffer, VAD and small DSP pieces, WAV prompts and RFC 4733 DTMF.
//
// It sees the sound card only through AudioDevice, which hw (or hw/hwtest)
// satisfies, and knows nothing of SIP: phone hands it negotiated Params.
package media
