package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
)

// A failed update is shown as the fault "update" (status LED, `ctl status`,
// MQTT, the boot's summary line) until it is cleared. Its reason is one
// line in the state folder's file update-failed, "<RFC 3339 UTC time>
// <reason>", written by the root commands that see the failure: `skoip
// update` (a bundle refused, a download that failed) and `skoip slot
// boot-check`/`confirm` (a tried slot given up). The intercom reads it at
// start and when told with the control command `update-fault`. It is
// removed when a new slot is being tried, when a try is confirmed, and by
// `skoip slot clear-failed`.
const updateFailedFile = "update-failed"

// defaultStateDir is skoip.service's StateDirectory=skoip, where the root
// commands find the intercom's state folder (on the image, a bind mount of
// the data partition's /data/skoip).
const defaultStateDir = "/var/lib/skoip"

// maxUpdateNotice bounds what is read of update-failed.
const maxUpdateNotice = 4 << 10

// errNoStateDir is a state folder that does not exist: not an A/B image or
// not installed, nothing to record.
var errNoStateDir = errors.New("no state folder")

// recordUpdateFailure writes the reason of a failed update to dir's
// update-failed (atomically, owned like dir, so that the intercom's user
// reads it). A reason longer than a line is cut.
func recordUpdateFailure(dir, reason string, now time.Time) error {
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errNoStateDir
		}
		return err
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if len(reason) > maxUpdateNotice/2 {
		reason = reason[:maxUpdateNotice/2] + "..."
	}
	path := filepath.Join(dir, updateFailedFile)
	if err := statefile.WriteAtomic(path, []byte(now.UTC().Format(time.RFC3339)+" "+reason+"\n"), 0o600); err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 {
		// Lchown: should the folder's user have put a link there since
		// the rename, the link changes owner, not what it points to.
		return os.Lchown(path, int(st.Uid), int(st.Gid))
	}
	return nil
}

// clearUpdateFailure removes dir's update-failed; none is no error.
func clearUpdateFailure(dir string) error {
	err := os.Remove(filepath.Join(dir, updateFailedFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// updateFailure is the fault the intercom shows for dir's update-failed:
// nil when there is none (or no state folder).
func updateFailure(dir string) error {
	if dir == "" {
		return nil
	}
	// Root reads it too (the boot's summary line): a link is not followed.
	b, err := statefile.ReadOwnRegular(filepath.Join(dir, updateFailedFile), maxUpdateNotice)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("the last update's outcome is unreadable: %w", err)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	at, reason, ok := strings.Cut(line, " ")
	if _, err := time.Parse(time.RFC3339, at); !ok || err != nil || reason == "" {
		return fmt.Errorf("the last update failed (%q)", line)
	}
	return fmt.Errorf("the update of %s failed: %s", at, reason)
}

// noteUpdateFailure records a failed update and tells the running
// intercom; what cannot be recorded is said on stderr (the journal), the
// failure itself being the command's error.
func noteUpdateFailure(ctx context.Context, e *env, dir, sock, reason string) {
	switch err := recordUpdateFailure(dir, reason, time.Now()); {
	case errors.Is(err, errNoStateDir):
		return
	case err != nil:
		fmt.Fprintf(e.stderr, "skoip: the failed update is not recorded for the status LED: %v\n", err)
		return
	}
	tellUpdateFault(ctx, sock)
}

// tellUpdateFault asks the intercom, when it runs, to read update-failed
// again. It is not running (a boot before skoip.service): it reads the
// file when it starts.
func tellUpdateFault(ctx context.Context, sock string) {
	rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, _ = control.Request(rctx, sock, "update-fault") // not running: it reads the file at start
}
