package schedule

import "golang.org/x/sys/unix"

// kernelSynchronised asks the kernel (adjtimex(2) with no modes only
// reads, and needs no privilege) whether the clock is synchronised: the
// status has no STA_UNSYNC and the clock state is not TIME_ERROR.
func kernelSynchronised() bool {
	var tx unix.Timex
	state, err := unix.Adjtimex(&tx)
	return err == nil && state != unix.TIME_ERROR && tx.Status&unix.STA_UNSYNC == 0
}
