// Package history keeps the call history an installer reads after a bad
// call: one Entry per call (when, which way, with whom, how it ended, how
// long, with which codec and figures), the newest max of them, on an SD
// card that must not wear out and may lose power at any moment.
//
// # The file
//
// The history is one file, by convention calls.jsonl in the state folder,
// in JSON Lines: each entry is one JSON object on one line, ended by a
// newline ("\n"), oldest first, e.g.
//
//	{"start":"2026-12-07T13:08:24Z","direction":"outgoing","peer":"sip:flat@192.168.1.20","target":"group:house","button":"1","outcome":"answered","code":200,"duration_s":42.5,"codec":"PCMA","quality":{"loss_pct":0.4}}
//	{"start":"2026-12-07T14:01:02Z","direction":"incoming","peer":"sip:phone@192.168.1.21","outcome":"missed","reason":"cancelled","duration_s":0}
//
// The fields are those of Entry (the JSON names are in its tags; fields
// with omitempty are left out when empty). Start is written in UTC. The
// file is written without HTML escaping (a "<" stays "<").
//
// Add appends the entry's line to the file with a single write at the end
// of what the file held and syncs the file (fsync) before it returns: one
// write and one sync per call, nothing else. When the append would make
// the file hold more than 2*max lines, or more than 2*max*8193 bytes, Add
// compacts instead: the entries kept in memory (the newest max, the new one
// included) are written to a temporary file .<name>.<random>.tmp in the
// same folder (mode 0600), which is synced, renamed over the file, and the
// folder synced. A compaction therefore comes once every max+1 Adds or so,
// and a file written by this package never holds more than 2*max lines of
// at most 8193 bytes.
// Temporary files left by a power cut during a compaction are removed by
// the next compaction. The folder is created (mode 0750) by the first
// Add that needs it. The first Add on a file that does not exist yet is a
// compaction too (so the new file's name is synced with its folder).
//
// A power cut (or a SIGKILL) at any moment leaves the file holding every
// entry whose Add returned without error (the newest max of them), except that the last Add in
// progress may or may not be there, and possibly a torn last line (a part
// of a line with no newline, or bytes that are not JSON): an append is one
// write and a compaction a rename.
//
// # Reading
//
// Open reads the file and writes nothing. It opens the file without
// waiting (O_NONBLOCK, so that a FIFO put in its place does not block the
// start) and refuses anything that is not a regular file (a FIFO, a
// folder, a device) with an error. A missing file is an empty history. Of
// a file larger than 2*max*8193 bytes only the last 2*max*8193 bytes are
// read (the newest entries); the first, partial line of those is skipped.
//
// Open reads the file line by line and is tolerant: a line is taken as an
// entry when it ends with a newline, is at most 8192 bytes long (the
// newline not counted) and is a JSON object that decodes into an Entry
// (fields unknown to Entry are ignored). Every other line is skipped and
// counted, never fatal: an empty line, a line longer than 8192 bytes,
// a line that is not JSON, not an object or has a field of the wrong type,
// and a last line with no newline (torn by a power cut mid-write), even
// if its JSON is complete. Skipped returns how many lines the Open skipped.
// Of the entries taken, the newest max are kept (oldest first, in the
// order of the file); the older ones stay in the file until the next
// compaction.
//
// When Open skipped anything, or read only the end of the file, the next
// Add compacts (rewrites the file from the entries kept), so that the
// torn or corrupt lines are gone and a new line is never glued to the
// garbage of a torn one. The same happens after an Add failed, or when the
// file's size is not what this History last wrote (another program wrote
// to it, or it was removed).
//
// # Bounds of an entry
//
// Add bounds each entry so that its line is at most 8192 bytes: in each
// string field, each run of bytes that is not UTF-8 and each control
// character (U+0000 to U+001F, U+007F to U+009F) becomes U+FFFD, and the
// string is then cut to at most 256 bytes at a character boundary. Quality is kept only when it is a JSON
// object of at most 4096 bytes as given (it is stored compacted, without
// insignificant spaces); otherwise it is dropped. A DurationS that is
// negative, NaN or infinite becomes 0; a Start outside the years 0 to 9999
// becomes the zero time. Direction and Outcome are stored as given (within
// the bounds above): the package does not check their values. Open bounds
// the entries it reads the same way.
//
// # Errors and concurrency
//
// Add returns the file system's error (ENOSPC, EROFS, EACCES, EFBIG...),
// wrapped with the file's name (errors.Is works), and still keeps the
// entry in memory: List shows it, and the next Add tries to write the
// whole history again. A History is safe for use by several goroutines;
// Add holds the lock while it writes and syncs, so a List waits for a
// sync in progress. One History, in one process, uses a file at a time.
package history
