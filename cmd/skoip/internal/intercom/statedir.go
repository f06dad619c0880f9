package intercom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
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
// file holds either the old or the new data (statefile.WriteAtomic, mode
// 0600; the folder is created 0750 if need be).
func writeFileAtomic(path string, data []byte) error {
	return statefile.WriteAtomic(path, data, 0o600)
}

// readStateFile decodes the JSON object in path into v: a regular file of
// at most max bytes (opened without waiting, should it be a FIFO), with no
// field that v does not have. A missing file is fs.ErrNotExist.
func readStateFile(path string, max int, v any) error {
	data, err := statefile.ReadRegular(path, max)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
