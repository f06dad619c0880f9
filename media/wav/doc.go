// Package wav is SKOIP's one WAV decoder: prompts ([sounds]), the file
// audio backend's capture file and `skoip check-config` all read WAV files
// through Open, so that what check-config accepts is what `skoip run`
// plays, with the same limits and the same errors.
//
// Accepted: integer PCM of 8, 16, 24 or 32 bits (also inside
// WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), mono or stereo
// (averaged to mono), at 8000, 11025, 12000, 16000, 22050, 24000, 32000,
// 44100 or 48000 Hz. Everything else (float, A-law, MP3, more channels,
// other rates) is refused with an error that names the file and says what
// is wrong.
//
// Nothing in a file is trusted before it is checked against the file's
// real size: Open reads only regular files (a FIFO or a device is refused
// without blocking) of at most MaxFileSize (32 MiB), walks at most 64
// chunks, reads a fmt chunk of at most 1024 bytes, and refuses a data
// chunk that declares more bytes than follow, that is empty, or that is
// not a whole number of frames. Decoding then streams the samples 1024
// frames at a time into a result allocated once; it fails only if the file
// cannot be read or changes while it is read.
//
// A Budget bounds what a set of files decodes to: PromptBudget allows a
// prompt at most MaxPromptDuration (60 s) and the distinct prompts together
// MaxPromptsDuration (180 s, 2.9 MB at 8 kHz); CaptureBudget allows the
// capture file MaxCaptureDuration (5 min, 28.8 MB at 48 kHz).
package wav
