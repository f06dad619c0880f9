//go:build !cgo && !linux

package audio

// openALSA fails without cgo outside Linux: malgo is a cgo package and the
// pure-Go backend talks to Linux's PCM devices.
func openALSA(Config) openFunc {
	return func(func(in, out []int16), func()) (stream, error) { return nil, ErrNoCGO }
}
