//go:build !cgo

package audio

// openALSA fails without cgo: malgo is a cgo package.
func openALSA(Config) openFunc {
	return func(func(in, out []int16), func()) (stream, error) { return nil, ErrNoCGO }
}
