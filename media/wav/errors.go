package wav

import "errors"

// Sentinel errors of this package. The errors returned are *Error values
// that wrap one of them and say, in words, what is wrong with which file.
var (
	// ErrNotWAV: not a regular file, or no RIFF/WAVE header.
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
	// ErrTooLong: the audio lasts longer than a Budget allows.
	ErrTooLong = errors.New("wav: audio too long")
)

// Error is a problem with a WAV file.
type Error struct {
	Path string // the file; "" for Decode
	Msg  string // what is wrong, for a user
	Err  error  // one of the sentinel errors above, or the error of the file system
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Unwrap makes errors.Is(err, ErrTruncated) and the like work.
func (e *Error) Unwrap() error { return e.Err }

// fail returns an *Error without a path (Open adds it).
func fail(kind error, msg string) *Error { return &Error{Msg: msg, Err: kind} }

// named returns err with path set when it is an *Error, else wrapped.
func named(path string, err error) error {
	if e, ok := err.(*Error); ok {
		e.Path = path
		return e
	}
	return &Error{Path: path, Msg: err.Error(), Err: err}
}
