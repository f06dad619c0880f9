// Package config is SKOIP's configuration file: its schema, the embedded
// defaults (skoip.toml, which is also the documented reference a user copies
// to /boot/firmware/skoip.toml), strict loading and validation.
//
// Loading is strict: an unknown key is an error, and every value is checked.
// All problems are reported at once, each with file:line, key and what is
// wrong. The package is plain data; cmd/skoip translates it for hw, media
// and phone.
package config
