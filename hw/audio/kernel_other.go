//go:build !linux

package audio

// openKernel fails outside Linux: the kernel PCM interface is Linux's.
func openKernel(Config) openFunc {
	return func(func(in, out []int16), func()) (stream, error) { return nil, ErrNoKernelPCM }
}
