//go:build !cgo

package audio

// ListDevices returns no devices in a build without cgo.
func ListDevices() ([]DeviceInfo, error) { return nil, nil }
