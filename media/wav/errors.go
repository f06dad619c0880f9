package wav

import "errors"

// Sentinel errors of this package; the returned errors wrap them with the
// file name and the offending values.
var (
	// ErrNotWAV: the data does not start with a RIFF/WAVE header.
	ErrNotWAV = errors.New("wav: not a RIFF WAVE file")
	// ErrTruncated: a chunk runs past the end of the file.
	ErrTruncated = errors.New("wav: truncated file")
	// ErrCorrupt: the structure is inconsistent (missing fmt chunk, bad sizes).
	ErrCorrupt = errors.New("wav: corrupt file")
	// ErrUnsupported: a valid WAV in a format this package does not decode.
	ErrUnsupported = errors.New("wav: unsupported format")
	// ErrNoSamples: the data chunk is empty.
	ErrNoSamples = errors.New("wav: no audio samples")
	// ErrTooLarge: the file exceeds MaxFileSize.
	ErrTooLarge = errors.New("wav: file too large")
)
