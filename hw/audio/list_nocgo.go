//go:build !cgo && linux

package audio

// ListDevices returns the kernel's PCM devices (/dev/snd, named from
// /proc/asound) in a build without cgo.
func ListDevices() ([]DeviceInfo, error) { return KernelDevices(), nil }
