package wav

import (
	"fmt"
	"os"
	"time"
)

// What SKOIP keeps in memory, decoded: prompts at 8 kHz (2 bytes a
// sample), the file backend's capture at the device rate.
const (
	// MaxPromptDuration bounds one [sounds] prompt.
	MaxPromptDuration = time.Minute
	// MaxPromptsDuration bounds the prompts together (each distinct file
	// once): 2.9 MB at 8 kHz.
	MaxPromptsDuration = 3 * time.Minute
	// MaxCaptureDuration bounds the capture file of the file backend:
	// 28.8 MB at 48 kHz.
	MaxCaptureDuration = 5 * time.Minute
)

// Budget opens a set of files to be decoded and kept in memory, and
// refuses those that would make it exceed its limits: each file at most
// Each long, all distinct files together at most Total. A file opened
// again (the same file by os.SameFile, whatever the path) costs nothing.
type Budget struct {
	what        string // "prompt", "capture file": for messages
	each, total time.Duration
	used        time.Duration
	seen        []os.FileInfo
}

// PromptBudget returns the budget of one configuration's prompts.
func PromptBudget() *Budget {
	return &Budget{what: "prompt", each: MaxPromptDuration, total: MaxPromptsDuration}
}

// CaptureBudget returns the budget of the file backend's capture file.
func CaptureBudget() *Budget {
	return &Budget{what: "capture file", each: MaxCaptureDuration, total: MaxCaptureDuration}
}

// Open opens path as Open does and charges its duration to b. When path
// is a file that b has opened before, Open returns a nil File and that
// earlier file's index (0 for the first file opened); otherwise an open
// File and the new file's index. Errors name the file.
func (b *Budget) Open(path string) (f *File, index int, err error) {
	f, err = Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Info()
	if err != nil {
		_ = f.Close() // read-only: nothing to lose; the stat error is the one to report
		return nil, 0, &Error{Path: path, Msg: fmt.Sprintf("cannot stat: %v", err), Err: err}
	}
	for i, s := range b.seen {
		if os.SameFile(s, st) {
			_ = f.Close() // read-only: a second opening of a file already loaded
			return nil, i, nil
		}
	}
	if err := b.charge(f.Duration()); err != nil {
		_ = f.Close() // read-only: nothing to lose; over budget is the error to report
		return nil, 0, named(path, err)
	}
	b.seen = append(b.seen, st)
	return f, len(b.seen) - 1, nil
}

func (b *Budget) charge(d time.Duration) error {
	if d > b.each {
		return fail(ErrTooLong, fmt.Sprintf("%v long; a %s may last at most %v (cut it, e.g. `sox in.wav out.wav trim 0 %d`)",
			d.Round(time.Millisecond), b.what, b.each, int(b.each.Seconds())))
	}
	if b.used+d > b.total {
		return fail(ErrTooLong, fmt.Sprintf("%v long; with the %v of the files before it, over the %v that all %ss may last together",
			d.Round(time.Millisecond), b.used.Round(time.Millisecond), b.total, b.what))
	}
	b.used += d
	return nil
}
