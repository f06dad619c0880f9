// Package statefile writes and reads the small files the unit keeps in its
// state folder (door-code lockout, do-not-disturb, the echo delay, the TLS
// identity, the call history, voice messages) so that a power cut or a
// hostile file in their place does no harm:
//
//   - Replace writes data to a temporary file ".NAME.<random>.tmp" in the
//     same folder (created 0750 if need be), syncs it, and renames it over
//     the file: after a power cut the file holds the old or the new data.
//     WriteAtomic also syncs the folder, so that the rename is on disk.
//     A temporary file is removed when the write fails.
//   - ReadRegular reads a regular file of at most max bytes; it opens with
//     O_NONBLOCK, so a FIFO put in its place is refused at once instead of
//     blocking the start, and so is a device or a folder.
package statefile
