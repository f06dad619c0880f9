//go:build !cgo && linux

package audio

// openALSA is the pure-Go backend in a build without cgo: malgo is a cgo
// package, and the kernel's PCM devices need no C.
func openALSA(cfg Config) openFunc { return openKernel(cfg) }
