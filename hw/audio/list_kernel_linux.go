//go:build linux

package audio

import "github.com/skoip/skoip/hw/audio/kpcm"

// KernelDevices returns the PCM devices as the "alsa-kernel" backend sees
// them: /dev/snd nodes, named hw:CARD=<id>,DEV=<n>.
func KernelDevices() []DeviceInfo {
	var out []DeviceInfo
	for _, d := range kpcm.Root("/").List() {
		out = append(out, DeviceInfo{Name: d.Name, Desc: d.Desc, Capture: d.Capture})
	}
	return out
}
