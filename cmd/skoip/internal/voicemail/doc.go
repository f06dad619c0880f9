// Package voicemail keeps the voice messages that a visitor leaves at the
// door when nobody answers: Store.Record records the door microphone into
// a folder, List, Path and Delete serve the messages to the control socket
// and the player.
//
// # The folder
//
// Open creates the folder (mode 0750) if it is missing and refuses, with an
// error that names the folder, one that cannot be created, is not a folder
// or cannot be written to (a temporary .rec-*.partial file is created and
// removed to find out). One Store, in one process, uses a folder at a time.
//
// The files of this package in the folder are:
//
//	msg-YYYYMMDDTHHMMSSZ-NNN.wav   a message, e.g. msg-20261207T130824Z-000.wav
//	.rec-<random>.partial          a recording in progress (or cut by a power loss)
//
// The time in a message's name is when its recording started, in UTC, to
// the second; NNN (000 to 999) is one more than the highest counter of the
// messages of that second in the folder, else 000. All the fields have fixed
// widths, so the byte order of the names is the order of the messages:
// List returns them oldest first in that order, and "oldest" in the limits
// below means first in that order. (A Pi has no battery-backed clock: a
// message recorded before the clock is set gets the time the system has
// then, and sorts accordingly.) A message's ID is its file name without
// ".wav"; List, Path and Delete accept only IDs of exactly that form, so
// that an ID from the control socket never names another file. Every other
// file and folder in the folder is ignored: never listed, counted or
// deleted. A file named like a message that is not a regular file is not
// a message.
//
// A message is a canonical WAV file: a 44-byte header (RIFF, a 16-byte fmt
// chunk of integer PCM, mono, 16 bits, 8000 Hz, then the data chunk) and
// the samples, little-endian. List reads a message's duration from the
// data chunk's size; a message whose header is not that (or whose sizes
// do not fit the file's size) is listed with Duration 0, so that it can
// still be deleted.
//
// # Recording
//
// Record reads 8 kHz mono frames from a Source and writes them through a
// 4 KiB buffer to a new .rec-<random>.partial file in the folder (the
// message is never held in memory). Each frame goes through a voice
// activity detector (media/dsp.VAD with its default settings: 9 dB over
// the adaptive noise floor, at least -55 dBFS, 300 ms of hangover). The
// recording ends at the first of:
//
//   - Limits.MaxLength of audio;
//   - Limits.Silence without speech once speech was heard (counted from
//     the end of the VAD's hangover, i.e. 0.3 s after the last loud frame;
//     never with a Silence of 0);
//   - the context ending;
//   - the Source failing, or ending (io.EOF), or giving no samples 1000
//     times in a row.
//
// A recording in which no speech was heard is deleted and Record returns
// ErrNoSpeech (wrapping the Source's error too when it failed). Otherwise
// the silence after the last speech is cut to 0.5 s and the message is
// kept: the header's sizes are written, the file is synced, renamed to its
// message name, and the folder is synced. A power cut or a SIGKILL at any
// moment therefore leaves either a complete message, playable and listed,
// or a .rec-*.partial file, which the next Open deletes. When the Source
// fails after speech the message is kept and Record returns no error. (If
// deleting old messages after a message was kept fails, Record returns the
// message and an error wrapping ErrStorage.)
//
// Any failure to write (disk full: ENOSPC, EDQUOT, EFBIG; or any other
// error of the file system) ends the recording, deletes its partial file
// and returns an error that wraps ErrStorage and the file system's error.
// Nothing else is affected: the caller reports the fault and goes on.
//
// One recording runs at a time per Store: a Record while another runs
// returns ErrBusy at once. List, Path and Delete may be called at any time,
// also during a recording, from any goroutine.
//
// # Limits
//
// MaxLength must be more than 0 and at most 24 h. With MaxMessages > 0 the
// folder keeps at most that many messages; with MaxBytes > 0 the messages
// together (the files' sizes; other files do not count) take at most that
// many bytes, which must be at least the size of a MaxLength message
// (44 + 16000 bytes a second). Before a recording starts, the oldest
// messages are deleted until a message of MaxLength fits under both
// limits, so that a full folder never refuses a new message; after a
// message is kept, the oldest are deleted until both limits hold again.
package voicemail
