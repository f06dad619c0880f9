package voicemail

import "errors"

// Sentinel errors; the errors returned wrap them and say more.
var (
	// ErrNotFound: no message of that ID.
	ErrNotFound = errors.New("voicemail: no such message")
	// ErrBadID: the ID is not of the form of a message's
	// (msg-YYYYMMDDTHHMMSSZ-NNN); no file was looked at.
	ErrBadID = errors.New("voicemail: not a message ID")
	// ErrNoSpeech: nothing but silence was recorded; no message was kept.
	ErrNoSpeech = errors.New("voicemail: no speech was heard, no message kept")
	// ErrStorage: the recording could not be written (disk full, a file
	// system error); no message was kept.
	ErrStorage = errors.New("voicemail: cannot store the message")
	// ErrBusy: a recording is already running on the Store.
	ErrBusy = errors.New("voicemail: a recording is already running")
)
