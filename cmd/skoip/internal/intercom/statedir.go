package intercom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/skoip/skoip/config"
)

// StateDir is the folder for what must survive a restart: state.dir (dir),
// else $STATE_DIRECTORY (the unit's StateDirectory=skoip: /var/lib/skoip),
// else $XDG_STATE_HOME/skoip, else $HOME/.local/state/skoip. getenv reads
// the environment (os.Getenv). A folder on the FAT /boot partition is
// refused: replacing a file there is not atomic.
func StateDir(dir string, getenv func(string) string) (string, error) {
	switch {
	case dir != "":
	case getenv("STATE_DIRECTORY") != "":
		dir = filepath.SplitList(getenv("STATE_DIRECTORY"))[0]
	case getenv("XDG_STATE_HOME") != "":
		dir = filepath.Join(getenv("XDG_STATE_HOME"), "skoip")
	case getenv("HOME") != "":
		dir = filepath.Join(getenv("HOME"), ".local", "state", "skoip")
	default:
		return "", errors.New("no state folder: set state.dir")
	}
	if err := config.CheckStateDir(dir); err != nil {
		return "", fmt.Errorf("state folder: %w", err)
	}
	return dir, nil
}

// writeFileAtomic replaces path with data so that after a power cut the
// file holds either the old or the new data: a temporary file in the same
// folder is written and synced, renamed over path, and the folder synced
// (the rename is then on disk too). The folder is created (0750) if need be.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// readStateFile decodes the JSON object in path into v: a regular file of
// at most max bytes (opened without waiting, should it be a FIFO), with no
// field that v does not have. A missing file is fs.ErrNotExist.
func readStateFile(path string, max int, v any) error {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return err
	} else if !st.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return err
	}
	if len(data) > max {
		return fmt.Errorf("larger than %d bytes", max)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
