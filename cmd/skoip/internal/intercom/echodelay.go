package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"time"
)

// echoDelayFile keeps the self-test's last measured round trip in the
// state folder: {"delay_ms": 50.2, "measured": "2026-12-07T13:05:00Z"}.
const echoDelayFile = "echo-delay.json"

// maxEchoDelay bounds a kept round trip: the canceller searches 0-500 ms.
const maxEchoDelay = 500 * time.Millisecond

type echoDelayState struct {
	DelayMS  float64   `json:"delay_ms"`
	Measured time.Time `json:"measured"`
}

// LoadEchoDelay returns the round trip the last self-test measured (0 and
// no error when none was kept). A file that is not a bounded regular JSON
// file, or a delay out of 0-500 ms, is an error (and ignored by callers).
func LoadEchoDelay(dir string) (time.Duration, error) {
	if dir == "" {
		return 0, nil
	}
	var st echoDelayState
	err := readStateFile(filepath.Join(dir, echoDelayFile), 1024, &st)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", echoDelayFile, err)
	}
	d := time.Duration(st.DelayMS * float64(time.Millisecond))
	if math.IsNaN(st.DelayMS) || d <= 0 || d >= maxEchoDelay {
		return 0, fmt.Errorf("%s: %.1f ms is not a round trip of 0-500 ms", echoDelayFile, st.DelayMS)
	}
	return d, nil
}

// SaveEchoDelay keeps d as the measured round trip, written atomically;
// a delay within 1 ms of the kept one is not written again (the card is
// spared a write per boot).
func SaveEchoDelay(dir string, d time.Duration, now time.Time) error {
	if dir == "" || d <= 0 || d >= maxEchoDelay {
		return nil
	}
	if old, err := LoadEchoDelay(dir); err == nil && old > 0 && (old-d).Abs() < time.Millisecond {
		return nil
	}
	b, err := json.Marshal(echoDelayState{DelayMS: math.Round(float64(d)/float64(time.Millisecond)*10) / 10, Measured: now.UTC().Truncate(time.Second)})
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, echoDelayFile), b)
}
