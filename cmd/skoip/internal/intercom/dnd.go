package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Do-not-disturb's file in the state folder, so that a restart at night
// does not ring the house: one JSON object of at most maxDNDFile bytes,
//
//	{"version":1,"on":true,"by":"mqtt","written":"2026-12-07T22:00:00Z"}
//
// written atomically (writeFileAtomic) each time the switch changes.
const (
	dndFileName = "dnd.json"
	dndVersion  = 1
	maxDNDFile  = 1024
)

type dndRecord struct {
	Version int       `json:"version"`
	On      bool      `json:"on"`
	By      string    `json:"by,omitempty"`
	Written time.Time `json:"written"`
}

// DND is the do-not-disturb switch. Only the intercom's loop touches it
// once the intercom is built.
type DND struct {
	on   bool
	path string // "" keeps it in memory only
	log  *slog.Logger
}

// OpenDND returns the switch kept in the folder dir, as it was left; dir
// "" keeps it in memory only, off at start. An unreadable file is logged
// and taken as off.
func OpenDND(dir string, log *slog.Logger) *DND {
	d := &DND{log: log}
	if dir == "" {
		return d
	}
	d.path = filepath.Join(dir, dndFileName)
	rec, err := readDND(d.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		log.Warn("do-not-disturb state unreadable: starting with it off", "file", d.path, "err", err)
	default:
		d.on = rec.On
		if d.on {
			log.Info("do-not-disturb is on (kept from before the restart)", "by", rec.By)
		}
	}
	return d
}

func readDND(path string) (dndRecord, error) {
	var rec dndRecord
	if err := readStateFile(path, maxDNDFile, &rec); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return rec, err
		}
		return rec, fmt.Errorf("not a do-not-disturb record: %w", err)
	}
	if rec.Version != dndVersion {
		return rec, fmt.Errorf("version %d, want %d", rec.Version, dndVersion)
	}
	return rec, nil
}

// set turns the switch on or off for by, at now, and keeps it; a failed
// write is logged and the switch holds in memory. The file is written only
// when the switch changes: repeated commands (a flood of "ON" from MQTT)
// do not wear the SD card.
func (d *DND) set(on bool, by string, now time.Time) {
	if on == d.on {
		return
	}
	d.on = on
	if d.path == "" {
		return
	}
	data, err := json.Marshal(dndRecord{Version: dndVersion, On: on, By: by, Written: now.Round(0).UTC()})
	if err == nil {
		err = writeFileAtomic(d.path, append(data, '\n'))
	}
	if err != nil {
		d.log.Warn("do-not-disturb not saved: a restart turns it off", "file", d.path, "err", err)
	}
}
