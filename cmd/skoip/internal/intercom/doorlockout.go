package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// The door-code lockout's file in the state folder (see StateDir), so that
// a restart (a crash, or a power cycle forced by someone at the door) does
// not clear the lockout nor the count of wrong codes. One JSON object, at
// most maxLockoutFile bytes, e.g.
//
//	{"version":1,"wrong":0,"written":"2026-12-07T03:35:00Z","locked_until":"2026-12-07T03:40:00Z"}
//
// wrong is the count of wrong codes in a row; written is the wall clock at
// the write; locked_until, absent when there is no lockout, is the wall
// clock at which the lockout ends. Times are RFC 3339, UTC. The file is
// written (atomically, see writeFileAtomic) when the count or the lockout
// changes: at most door.lockout_attempts times per door.lockout_time.
const (
	lockoutFileName = "door-lockout.json"
	lockoutVersion  = 1
	maxLockoutFile  = 4096
)

// lockoutRecord is the file's content.
type lockoutRecord struct {
	Version     int        `json:"version"`
	Wrong       int        `json:"wrong"`
	Written     time.Time  `json:"written"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
}

// lockoutFile is where a DoorCode keeps its state.
type lockoutFile struct {
	path string
	log  *slog.Logger
}

// read reads and checks the record; a missing file is fs.ErrNotExist.
func (f *lockoutFile) read() (lockoutRecord, error) {
	var rec lockoutRecord
	if err := readStateFile(f.path, maxLockoutFile, &rec); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return rec, err
		}
		return rec, fmt.Errorf("not a lockout record: %w", err)
	}
	switch {
	case rec.Version != lockoutVersion:
		return rec, fmt.Errorf("version %d, want %d", rec.Version, lockoutVersion)
	case rec.Wrong < 0:
		return rec, fmt.Errorf("wrong is %d", rec.Wrong)
	case rec.Written.IsZero():
		return rec, errors.New("no written time")
	}
	return rec, nil
}

func (f *lockoutFile) write(rec lockoutRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return writeFileAtomic(f.path, append(data, '\n'))
}

// restore takes the count and the lockout from the file, as of now.
//
// The wall clock of a Pi without a real-time clock is wrong after a boot
// (the last saved time, or 1970) until NTP sets it, and may jump either
// way. So the lockout left is locked_until minus the later of now and
// written: with a clock that is behind the write, no time is taken to
// have passed. It is clamped to [0, door.lockout_time], so neither a clock
// that was ahead at the write nor a shorter lockout_time can lock for
// longer than lockout_time from now. Once restored, the lockout's end is
// now plus what is left on the monotonic clock, which later jumps of the
// wall clock do not move.
//
// A missing file is a first start. An unreadable or damaged one is logged
// and the state starts clean (no lockout, no wrong codes); the next change
// replaces it. A clean start is what deleting the file would give, so a
// stricter rule would not stop anyone who can write the state folder.
func (d *DoorCode) restore(now time.Time) {
	f := d.store
	rec, err := f.read()
	if errors.Is(err, os.ErrNotExist) {
		f.log.Debug("no door-code lockout state yet", "file", f.path)
		return
	}
	if err != nil {
		f.log.Warn("door-code lockout state unreadable: starting with no lockout", "file", f.path, "err", err)
		return
	}
	d.wrong = min(rec.Wrong, max(d.lockoutAttempts-1, 0))
	if rec.LockedUntil == nil {
		return
	}
	from := now
	if rec.Written.After(now) {
		from = rec.Written
	}
	left := min(max(rec.LockedUntil.Sub(from), 0), d.lockoutTime)
	if left > 0 {
		d.lockedUntil = now.Add(left)
		f.log.Warn("door-code lockout continues after the restart: codes are ignored", "for", left, "file", f.path)
	}
}

// save writes the state as of now; a failure is logged and the state stays
// in memory.
func (d *DoorCode) save(now time.Time) {
	f := d.store
	if f == nil {
		return
	}
	rec := lockoutRecord{Version: lockoutVersion, Wrong: d.wrong, Written: now.Round(0).UTC()}
	if d.lockedUntil.After(now) {
		end := d.lockedUntil.Round(0).UTC()
		rec.LockedUntil = &end
	}
	if err := f.write(rec); err != nil {
		f.log.Warn("door-code lockout not saved: kept in memory only, a restart clears it", "file", f.path, "err", err)
	}
}
