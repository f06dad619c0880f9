// Package config is SKOIP's configuration file: its schema, the embedded
// defaults (skoip.toml, which is also the documented reference a user copies
// to /boot/firmware/skoip.toml), strict loading and validation.
//
// Loading is strict: an unknown key is an error, and every value is checked.
// All problems are reported at once, each with file:line, key and what is
// wrong. The package is plain data; cmd/skoip translates it for hw, media
// and phone.
//
// [state] dir is not behaviour but a place: the folder where cmd/skoip keeps
// what must survive a restart (the door-code lockout). config only checks
// that it is absolute and not on the FAT boot partition; cmd/skoip picks
// the default ($STATE_DIRECTORY, $XDG_STATE_HOME/skoip, ~/.local/state/skoip).
package config
