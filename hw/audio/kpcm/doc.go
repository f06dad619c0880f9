// Package kpcm plays and captures audio through the Linux kernel's ALSA PCM
// interface directly, without libasound: the device nodes
// /dev/snd/pcmC<card>D<device>p (playback) and ...c (capture), driven by
// ioctls and read(2)/write(2). It needs no cgo, so a static binary (and
// the ARMv6 build for the Pi Zero and Pi 1) has a sound card.
//
// Open negotiates the hardware parameters the way alsa-lib does, through
// HW_REFINE then HW_PARAMS: interleaved read/write access (required), the
// first sample format of S16_LE, S32_LE, S24_LE, S24_3LE, FLOAT_LE that
// the card has, the channels asked for or else the card's fewest, the rate
// asked for or else a multiple of it or else the nearest common rate, the
// period (as time) or the nearest the card allows, and about four periods
// of ring buffer. Params reports what was granted; ToMono and FromMono
// convert between the card's frames and mono signed 16-bit samples, and
// the caller resamples. The software parameters wake the caller once per
// period (avail_min), never start a stream by themselves (Start does) and
// stop it on an xrun.
//
// Transfers are non-blocking; the caller polls Fd. Errors map to ErrXrun
// (EPIPE: Recover prepares the stream again), ErrSuspended (ESTRPIPE:
// resumed or prepared), ErrGone (ENODEV, EBADFD, EIO: a USB card pulled
// out or a driver unbound; the stream must be closed and the device
// reopened when it returns) and ErrBusy at Open. EINTR is retried.
//
// The kernel structures (snd_pcm_hw_params, snd_pcm_sw_params) are
// declared once in Go with uint for the C longs, which gives each
// architecture the kernel's layout: 608 and 136 bytes on arm64 and amd64,
// 604 and 104 on 32-bit arm (ARMv6 and ARMv7), also under an arm64 kernel's
// compat layer. The ioctl numbers are derived from those sizes.
//
// Root.Resolve maps the names ALSA users write ("default", "hw:1,0",
// "hw:CARD=Device,DEV=0", "plughw:Device") to device nodes, with the card
// IDs of /proc/asound/cards; Root.List lists the PCM devices.
package kpcm
