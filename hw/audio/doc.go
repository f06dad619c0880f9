// Package audio opens SKOIP's sound device: a duplex stream of mono signed
// 16-bit samples delivered in fixed periods (10 ms by default), behind the
// Device interface (whose fake is hw/hwtest.Audio).
//
// Backends:
//   - "alsa": the USB sound card through malgo (miniaudio, cgo; libasound is
//     loaded at run time). Capture and playback are ALSA PCM names or
//     "default". When the device fails or stalls, the fault is reported
//     through Config.OnHealth, callbacks pause, and the device is reopened
//     with backoff until it returns: the process keeps running.
//   - "alsa-kernel": the sound card through the kernel's PCM device nodes
//     (/dev/snd/pcmC*D*, package kpcm), in pure Go: no cgo, no libasound,
//     no ALSA plugins. "alsa" is this backend in a build without cgo (the
//     ARMv6 and static builds). Names are ALSA's hw:/plughw: names or
//     "default" (the first card); the card's own format, channel count and
//     rate are taken where it cannot give S16 mono at the configured rate,
//     and converted here (channels averaged, rate by dsp.Resampler). One
//     goroutine waits for each period of capture (or, without capture, for
//     room in the playback buffer), calls the consumer and queues what it
//     played two periods ahead (one more after each playback underrun, up
//     to six; given back, by not queueing periods of digital silence, after
//     2 s without an underrun). Xruns are recovered in place and counted in
//     Stats; a card that goes away is a fault of the resilient device,
//     reopened when it returns, as with "alsa".
//   - "file": capture read from a WAV file in real time and looped, playback
//     written to a WAV file as it plays (header fixed up on Stop and Close).
//     The capture file is decoded at Open by media/wav, the decoder of the
//     prompts and of check-config (LoadCapture): a regular file of at most
//     32 MiB and 5 minutes, any format media/wav accepts, mixed down to mono
//     and resampled to the device rate; a damaged file is refused with an
//     error that names it. The playback file is created without blocking:
//     a FIFO is refused.
//   - "loopback": what is played comes back as capture one period later,
//     paced in real time (like baresip's auloop).
//   - "null": silence in, output discarded, paced in real time.
//   - "room": a simulated door box (media/room, Config.Room): the capture
//     is a talker, noise and the echo of what was played through a room
//     (bulk delay, reverberation, loudspeaker clipping, clock drift, an
//     echo path change), paced in real time; what is played may also be
//     written to the WAV file Config.Playback. For the echo canceller's
//     tests and demonstrations.
//
// hw imports, of media, only the leaves media/wav (the WAV decoder),
// media/dsp and media/room.
//
// The paced backends (file, loopback, null, room) wait on a Linux timerfd when
// Config.Clock is nil: one wake-up of the process per period, where a Go
// timer cost four to six (runtime sysmon and idle threads). With a Clock
// set (tests, synctest bubbles, other systems) they wait on its timers.
//
// OpenOrFallback opens "alsa" and falls back to "null" with a warning where
// there is no usable sound card (a PC, CI).
package audio
