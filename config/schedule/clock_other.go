//go:build !linux

package schedule

// kernelSynchronised: only Linux is asked; elsewhere only systemd's marker
// file counts.
func kernelSynchronised() bool { return false }
