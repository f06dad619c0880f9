//go:build !cgo && !linux

package audio

// ListDevices returns no devices in a build without cgo outside Linux.
func ListDevices() ([]DeviceInfo, error) { return nil, nil }
