package netconf

import "errors"

// Problems with the boot partition's wpa_supplicant.conf; each error that
// Build returns wraps one of them and names the file.
var (
	ErrWPATooLarge  = errors.New("larger than 64 KiB")
	ErrWPANotText   = errors.New("not a text file")
	ErrWPANoNetwork = errors.New("has no network={...} block")
)
