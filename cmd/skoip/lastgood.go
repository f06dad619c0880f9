package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
	"github.com/skoip/skoip/config"
)

// lastGoodFile is the copy of the last configuration `skoip run` started
// with, in the state folder.
const lastGoodFile = "last-good.toml"

// maxConfigFile bounds what is copied as the last good configuration.
const maxConfigFile = 1 << 20

// loadRunConfig is the configuration `skoip run` starts with. An explicit
// path is loaded as it is. Otherwise the first file of search is
// loaded and, when it is good, copied to stateDir/last-good.toml (when it
// differs from the copy there); when it is bad (a config on the FAT
// partition edited on a PC and broken) and stateDir holds a last good
// copy, that copy is loaded instead and fault says why: the intercom keeps
// ringing, and shows the fault. stateDir "" (not under systemd) disables
// both.
func loadRunConfig(path, stateDir string, search []string) (cfg *config.Config, fault error, err error) {
	if path != "" {
		cfg, err = config.Load(path)
		return cfg, nil, err
	}
	found, err := config.Find(search)
	if err != nil {
		return nil, nil, err
	}
	cfg, err = config.Load(found)
	if stateDir == "" {
		return cfg, nil, err
	}
	lg := filepath.Join(stateDir, lastGoodFile)
	if err == nil {
		saveLastGood(found, lg)
		return cfg, nil, nil
	}
	good, lerr := config.Load(lg)
	if lerr != nil {
		return nil, nil, err
	}
	when := "at an unknown time"
	if fi, serr := os.Stat(lg); serr == nil {
		when = fi.ModTime().UTC().Format(time.RFC3339)
	}
	return good, fmt.Errorf("%s is not valid (%s): running on the last good configuration, saved %s",
		found, problems(err), when), nil
}

// saveLastGood copies the file a good configuration came from (the
// embedded defaults have none) unless the copy is the same already. A
// failure only costs the fallback.
func saveLastGood(from, to string) {
	data, err := statefile.ReadRegular(from, maxConfigFile)
	if err != nil {
		return
	}
	if old, err := statefile.ReadRegular(to, maxConfigFile); err == nil && bytes.Equal(old, data) {
		return
	}
	_ = statefile.WriteAtomic(to, data, 0o600)
}

// problems is a configuration error on one line: its first three
// problems and how many more.
func problems(err error) string {
	var ce *config.Error
	if !errors.As(err, &ce) || len(ce.Problems) == 0 {
		return err.Error()
	}
	var l []string
	for i, p := range ce.Problems {
		if i == 3 {
			l = append(l, fmt.Sprintf("and %d more", len(ce.Problems)-3))
			break
		}
		l = append(l, p.String())
	}
	return strings.Join(l, "; ")
}
