// Package config is SKOIP's configuration file: its schema, the embedded
// defaults (skoip.toml, which is also the documented reference a user copies
// to /boot/firmware/skoip.toml), strict loading and validation.
//
// Loading is strict: an unknown key is an error, and every value is checked.
// All problems are reported at once, each with file:line, key and what is
// wrong (at most 50 of them, and at most 20 unknown keys). The package is
// plain data; cmd/skoip translates it for hw, media and phone.
//
// Loading is bounded (bounds.go): the file must be a regular file (opened
// without blocking, so a FIFO is refused, not waited on) of at most
// MaxFileSize (64 KiB); before the TOML decoder sees the text, lines are
// limited to MaxLineLength (4096 bytes), dotted keys and table names to
// MaxKeyParts (4) parts, and arrays and inline tables to MaxNesting (4)
// levels, the shapes that made the decoder take seconds and gigabytes.
//
// The files the configuration names for SKOIP to read ([sounds]; with
// audio.backend = "file", audio.capture; with "room", audio.room.talker and
// a recorded audio.room.noise) are checked by media/wav exactly
// as `skoip run` opens them (files.go): regular files of at most 32 MiB,
// whole structure checked against the real size, a prompt at most 60 s,
// the distinct prompts at most 180 s together, a capture, talker or noise
// file at most 5 minutes.
package config
